package jp.enclave.gateway.pgwire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The catalog texts the PostgreSQL JDBC driver (pgjdbc 42.7, the driver of DBeaver and most Java
 * tools) sends for {@code DatabaseMetaData} against a PostgreSQL 14 server, as they arrive after
 * binding (its {@code ?} parameters written in as literals). Taken from the driver's
 * {@code PgDatabaseMetaData} and {@code TypeInfoCache} and checked against what the real driver
 * sends ({@code PgJdbcTest}). Only texts: which ones are answered, and how, is {@link PgCatalog}'s.
 * The {@code '?name'} strings are the argument slots; the fragments pgjdbc appends only for some
 * arguments are separate constants.
 */
final class PgJdbcTexts {
  private PgJdbcTexts() {}

  static final String TABLES = """
      SELECT current_database() AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",
       CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE
       WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind
         WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END
       WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'
         WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END
       ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'
         WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'
         ELSE NULL   END  END
       WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'
         WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'
         WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END
       AS "TABLE_TYPE", d.description AS "REMARKS",  '' as "TYPE_CAT", '' as "TYPE_SCHEM", '' as "TYPE_NAME",
       '' AS "SELF_REFERENCING_COL_NAME", '' AS "REF_GENERATION"
       FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
       LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)
       WHERE c.relnamespace = n.oid""";
  static final String TABLES_SCHEMA = " AND n.nspname LIKE '?schema'";
  static final String TABLES_NAME = " AND c.relname LIKE '?table'";
  static final String TABLES_TYPES_OPEN = " AND (false ";
  static final String TABLES_TYPES_CLOSE = ") ";
  static final String TABLES_ORDER = " ORDER BY \"TABLE_TYPE\",\"TABLE_SCHEM\",\"TABLE_NAME\" ";

  /** getTables' clause per table type (each sent as {@code OR ( clause )}). */
  static final Map<String, String> TABLE_TYPE_CLAUSES = new LinkedHashMap<>();

  static {
    TABLE_TYPE_CLAUSES.put("TABLE", "c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("PARTITIONED TABLE", "c.relkind = 'p' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("VIEW", "c.relkind = 'v' AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("INDEX", "c.relkind = 'i' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("PARTITIONED INDEX", "c.relkind = 'I' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("SEQUENCE", "c.relkind = 'S'");
    TABLE_TYPE_CLAUSES.put("TYPE", "c.relkind = 'c' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    TABLE_TYPE_CLAUSES.put("SYSTEM TABLE", "c.relkind = 'r' AND (n.nspname = 'pg_catalog' OR n.nspname = 'information_schema')");
    TABLE_TYPE_CLAUSES.put("SYSTEM TOAST TABLE", "c.relkind = 'r' AND n.nspname = 'pg_toast'");
    TABLE_TYPE_CLAUSES.put("SYSTEM TOAST INDEX", "c.relkind = 'i' AND n.nspname = 'pg_toast'");
    TABLE_TYPE_CLAUSES.put("SYSTEM VIEW", "c.relkind = 'v' AND (n.nspname = 'pg_catalog' OR n.nspname = 'information_schema')");
    TABLE_TYPE_CLAUSES.put("SYSTEM INDEX", "c.relkind = 'i' AND (n.nspname = 'pg_catalog' OR n.nspname = 'information_schema')");
    TABLE_TYPE_CLAUSES.put("TEMPORARY TABLE", "c.relkind IN ('r','p') AND n.nspname ~ '^pg_temp_'");
    TABLE_TYPE_CLAUSES.put("TEMPORARY INDEX", "c.relkind = 'i' AND n.nspname ~ '^pg_temp_'");
    TABLE_TYPE_CLAUSES.put("TEMPORARY VIEW", "c.relkind = 'v' AND n.nspname ~ '^pg_temp_'");
    TABLE_TYPE_CLAUSES.put("TEMPORARY SEQUENCE", "c.relkind = 'S' AND n.nspname ~ '^pg_temp_'");
    TABLE_TYPE_CLAUSES.put("FOREIGN TABLE", "c.relkind = 'f'");
    TABLE_TYPE_CLAUSES.put("MATERIALIZED VIEW", "c.relkind = 'm'");
  }

  static final String COLUMNS = """
      SELECT * FROM (SELECT current_database() AS current_database, n.nspname,c.relname,a.attname,a.atttypid,
      a.attnotnull  OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,
      row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum,
       nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,
      pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype
        FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)
        JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)
        LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)
        LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
        LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')
        LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')
        WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped""";
  static final String COLUMNS_SCHEMA = " AND n.nspname LIKE '?schema'";
  static final String COLUMNS_TABLE = " AND c.relname LIKE '?table'";
  static final String COLUMNS_WHERE = " ) c WHERE true ";
  static final String COLUMNS_NAME = " AND attname LIKE '?column'";
  static final String COLUMNS_ORDER = " ORDER BY nspname,c.relname,attnum ";

  static final String SCHEMAS = """
      SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace
       WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1])
       AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))""";
  static final String SCHEMAS_PATTERN = " AND nspname LIKE '?schema'";
  static final String SCHEMAS_ORDER = " ORDER BY \"TABLE_SCHEM\"";

  static final String CATALOGS = """
      SELECT datname AS "TABLE_CAT" FROM pg_catalog.pg_database WHERE datallowconn = true ORDER BY datname""";

  static final String TYPE_INFO = """
      SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)
       WHERE n.nspname  != 'pg_toast' AND  (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))""";

  static final String PRIMARY_KEYS = """
      SELECT        result.TABLE_CAT AS "TABLE_CAT",        result.TABLE_SCHEM AS "TABLE_SCHEM",
             result.TABLE_NAME AS "TABLE_NAME",        result.COLUMN_NAME AS "COLUMN_NAME",
             result.KEY_SEQ AS "KEY_SEQ",        result.PK_NAME AS "PK_NAME"FROM
           (SELECT current_database() AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME,
       a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(con.conkey)).n AS KEY_SEQ, con.conname AS PK_NAME,
         information_schema._pg_expandarray(con.conkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_constraint con
         JOIN pg_catalog.pg_class ct ON (con.conrelid = ct.oid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)
         JOIN pg_catalog.pg_attribute a ON (a.attrelid = ct.oid) WHERE con.contype = 'p'""";
  static final String KEYS_SCHEMA = " AND n.nspname = '?schema'";
  static final String KEYS_TABLE = " AND ct.relname = '?table'";
  static final String PRIMARY_KEYS_END = """
       ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq""";

  static final String MAX_INDEX_KEYS = "SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'";

  static final String INDEX_INFO = """
      SELECT     tmp.TABLE_CAT AS "TABLE_CAT",     tmp.TABLE_SCHEM AS "TABLE_SCHEM",     tmp.TABLE_NAME AS "TABLE_NAME",
          tmp.NON_UNIQUE AS "NON_UNIQUE",     tmp.INDEX_QUALIFIER AS "INDEX_QUALIFIER",     tmp.INDEX_NAME AS "INDEX_NAME",
          tmp.TYPE AS "TYPE",     tmp.ORDINAL_POSITION AS "ORDINAL_POSITION",
          trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS "COLUMN_NAME",
        CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint
            WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS "ASC_OR_DESC",
          tmp.CARDINALITY AS "CARDINALITY",     tmp.PAGES AS "PAGES",     tmp.FILTER_CONDITION AS "FILTER_CONDITION",
          tmp.REMARKS AS "REMARKS"FROM (SELECT current_database() AS TABLE_CAT,  n.nspname AS TABLE_SCHEM,
        ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,
        CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,
        (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,
        ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,
        i.indoption AS I_INDOPTION,   am.amname AS AM_NAME,   d.description AS REMARKS FROM pg_catalog.pg_class ct
        JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)
        JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid)
        LEFT JOIN pg_catalog.pg_description d ON (ci.oid = d.objoid) WHERE true""";
  static final String INDEX_UNIQUE = " AND i.indisunique ";
  static final String INDEX_INFO_END = """
       ) AS tmp ORDER BY "NON_UNIQUE", "TYPE", "INDEX_NAME", "ORDINAL_POSITION" """;

  /** TypeInfoCache: a type's schema and name by OID (ResultSetMetaData of a type outside its built-in list). */
  static final String TYPE_BY_OID = """
      SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t
       JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = '?oid'""";

  /** TypeInfoCache: every type at once (getTypeInfo asks for it to fill its cache). */
  static final String ALL_TYPES = """
      SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid
        FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r
                 from pg_namespace as ns
                 join ( select s.r, (current_schemas(false))[s.r] as nspname
                          from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r
                using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  ORDER BY sp.r, pg_type.oid DESC""";

  /** getImportedKeys/getExportedKeys/getCrossReference (the 32 is the max_index_keys answer). */
  static final String FOREIGN_KEYS = """
      SELECT current_database() AS "PKTABLE_CAT", pkn.nspname AS "PKTABLE_SCHEM", pkc.relname AS "PKTABLE_NAME",
       pka.attname AS "PKCOLUMN_NAME", current_database() AS "FKTABLE_CAT", fkn.nspname AS "FKTABLE_SCHEM",
       fkc.relname AS "FKTABLE_NAME", fka.attname AS "FKCOLUMN_NAME", pos.n AS "KEY_SEQ",
       CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3
       ELSE NULL END AS "UPDATE_RULE", CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4
       WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS "DELETE_RULE", con.conname AS "FK_NAME",
       pkic.relname AS "PK_NAME", CASE  WHEN con.condeferrable AND con.condeferred THEN 5
       WHEN con.condeferrable THEN 6 ELSE 7 END AS "DEFERRABILITY"
        FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,
        pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,
        pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic
       WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n]
       AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid
       AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f'
       AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid""";
  static final String FOREIGN_KEYS_PK_SCHEMA = " AND pkn.nspname = '?pkschema'";
  static final String FOREIGN_KEYS_PK_TABLE = " AND pkc.relname = '?pktable'";
  static final String FOREIGN_KEYS_FK_SCHEMA = " AND fkn.nspname = '?fkschema'";
  static final String FOREIGN_KEYS_FK_TABLE = " AND fkc.relname = '?fktable'";
  static final String FOREIGN_KEYS_BY_PK = " ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n";
  static final String FOREIGN_KEYS_BY_FK = " ORDER BY fkn.nspname,fkc.relname,con.conname,pos.n";
}
