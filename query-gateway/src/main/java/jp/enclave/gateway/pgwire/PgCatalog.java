package jp.enclave.gateway.pgwire;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import jp.enclave.gateway.core.CatalogView;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.ProjectCatalog;
import jp.enclave.gateway.pgwire.PgSql.Kind;
import jp.enclave.gateway.pgwire.PgSql.Token;
import jp.enclave.gateway.pgwire.PgTypes.Column;
import jp.enclave.gateway.pgwire.PgTypes.Type;
import jp.enclave.policies.Decision;

/**
 * The catalog questions PostgreSQL clients ask before and around their queries, answered from the
 * project's own catalog as the session may see it ({@link CatalogView}: the same Cedar decisions
 * as queries, only the tables and columns the session may read, audited as
 * {@code catalog.listed}/{@code catalog.refused}) — never from DuckDB's catalogs, which no client
 * text ever reaches.
 *
 * <p>Each question is a text a real client sends (captured from psql 15 against PostgreSQL 14,
 * RPostgreSQL 0.7 and psycopg 3.1, see the README; pgjdbc 42.7's in {@link PgJdbcTexts}), matched
 * token by token: whitespace, case and comments do not matter, string and number literals must be
 * those of the client's text except at the marked slots ({@code '?'}, {@code '?name'} or
 * {@code $0}), whose values are the question's arguments. pgjdbc appends a fragment per argument
 * it was given, so a question may have optional parts and repeated choices ({@link Part}). Any
 * other text that touches pg_catalog or information_schema goes to the core and is refused there
 * ({@code GW-SYSTEM-CATALOG}). The table below is the whole allowlist.
 */
final class PgCatalog {
  static final String PSQL_LIST_TABLES = """
      SELECT n.nspname as "Schema",
        c.relname as "Name",
        CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
        pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
      FROM pg_catalog.pg_class c
           LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
      WHERE c.relkind IN ('r','p','')
            AND n.nspname <> 'pg_catalog'
            AND n.nspname !~ '^pg_toast'
            AND n.nspname <> 'information_schema'
        AND pg_catalog.pg_table_is_visible(c.oid)
      ORDER BY 1,2""";

  static final String PSQL_LIST_RELATIONS = """
      SELECT n.nspname as "Schema",
        c.relname as "Name",
        CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
        pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
      FROM pg_catalog.pg_class c
           LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
      WHERE c.relkind IN ('r','p','v','m','S','f','')
            AND n.nspname <> 'pg_catalog'
            AND n.nspname !~ '^pg_toast'
            AND n.nspname <> 'information_schema'
        AND pg_catalog.pg_table_is_visible(c.oid)
      ORDER BY 1,2""";

  static final String PSQL_DESCRIBE_LOOKUP = """
      SELECT c.oid,
        n.nspname,
        c.relname
      FROM pg_catalog.pg_class c
           LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname OPERATOR(pg_catalog.~) '?' COLLATE pg_catalog.default
        AND pg_catalog.pg_table_is_visible(c.oid)
      ORDER BY 2, 3""";

  static final String PSQL_DESCRIBE_TABLE = """
      SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
      FROM pg_catalog.pg_class c
       LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
      LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
      WHERE c.oid = '?'""";

  static final String PSQL_DESCRIBE_COLUMNS = """
      SELECT a.attname,
        pg_catalog.format_type(a.atttypid, a.atttypmod),
        (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
         FROM pg_catalog.pg_attrdef d
         WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
        a.attnotnull,
        (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
         WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
        a.attidentity,
        a.attgenerated
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = '?' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  static final String PSQL_DESCRIBE_POLICIES = """
      SELECT pol.polname, pol.polpermissive,
        CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
        pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
        pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
        CASE pol.polcmd
          WHEN 'r' THEN 'SELECT'
          WHEN 'a' THEN 'INSERT'
          WHEN 'w' THEN 'UPDATE'
          WHEN 'd' THEN 'DELETE'
          END AS cmd
      FROM pg_catalog.pg_policy pol
      WHERE pol.polrelid = '?' ORDER BY 1""";

  static final String PSQL_DESCRIBE_STATISTICS = """
      SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp, stxname,
      pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,
        'd' = any(stxkind) AS ndist_enabled,
        'f' = any(stxkind) AS deps_enabled,
        'm' = any(stxkind) AS mcv_enabled,
      stxstattarget
      FROM pg_catalog.pg_statistic_ext
      WHERE stxrelid = '?'
      ORDER BY nsp, stxname""";

  static final String PSQL_DESCRIBE_PUBLICATIONS = """
      SELECT pubname
           , NULL
           , NULL
      FROM pg_catalog.pg_publication p
      JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
      WHERE pr.prrelid = '?'
      UNION ALL
      SELECT pubname
           , NULL
           , NULL
      FROM pg_catalog.pg_publication p
      WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('?')
      ORDER BY 1""";

  static final String PSQL_DESCRIBE_PARENTS = """
      SELECT c.oid::pg_catalog.regclass
      FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
      WHERE c.oid = i.inhparent AND i.inhrelid = '?'
        AND c.relkind != 'p' AND c.relkind != 'I'
      ORDER BY inhseqno""";

  static final String PSQL_DESCRIBE_PARTITIONS = """
      SELECT c.oid::pg_catalog.regclass, c.relkind, inhdetachpending, pg_catalog.pg_get_expr(c.relpartbound, c.oid)
      FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
      WHERE c.oid = i.inhrelid AND i.inhparent = '?'
      ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text""";

  static final String R_LIST_TABLES = """
      select tablename from pg_tables where schemaname !='information_schema' and schemaname !='pg_catalog'""";

  static final String R_NOT_NULL = """
      select attnotnull from pg_attribute where attrelid=$0 and attnum='?'""";

  static final String R_EXISTS_TABLE = """
      select tablename from pg_tables where schemaname !='information_schema' and schemaname !='pg_catalog' and schemaname='public' and tablename='?'""";

  static final String R_LIST_FIELDS = """
      select a.attname from pg_attribute a, pg_class c, pg_tables t, pg_namespace nsp where a.attrelid = c.oid and c.relname = tablename and c.relnamespace = nsp.oid and a.attnum > 0 and nspname = current_schema() and schemaname = nspname and tablename = '?'""";

  static final String PSYCOPG_TYPE_INFO = """
      SELECT
          typname AS name, oid, typarray AS array_oid,
          oid::regtype::text AS regtype, typdelim AS delimiter
      FROM pg_type t
      WHERE t.oid = '?'::regtype
      ORDER BY t.oid""";

  /** One known question: the client's text as parts and how to answer it. */
  private record Known(String name, List<Part> parts, BiFunction<Answering, Map<String, String>, PgResult> answer) {}

  /**
   * A piece of a client's text. pgjdbc builds its metadata questions from fixed fragments, each
   * added only when the caller passed that argument ({@code AND c.relname LIKE ?}), and a list of
   * table-type clauses; the parts say exactly which fragments may appear, in which order.
   */
  private sealed interface Part {}

  /** Tokens that must appear as written; {@code slots} names the wildcard positions (null elsewhere). */
  private record Run(List<Token> tokens, List<String> slots) implements Part {}

  /** Parts that appear together or not at all; {@code flag} is set in the arguments when they do. */
  private record Opt(String flag, List<Part> parts) implements Part {}

  /** Zero or more of the choices, in any order; their labels are collected under {@code name}. */
  private record Many(String name, Map<String, List<Part>> choices) implements Part {}

  /** Continues matching at token {@code at}; the arguments if the rest matches, else null. */
  private interface Rest {
    Map<String, String> at(int at, Map<String, String> args);
  }

  /** What an answer may use: the session's view of the catalog. */
  private record Answering(List<CatalogView.TableView> tables, GatewaySession session) {}

  /** Table OIDs as the catalog numbers them: 16384 + the table's position in the manifest. */
  static final int FIRST_OID = 16384;

  private final Gateway gateway;
  private final CatalogView view;
  private final List<Known> known = new ArrayList<>();
  private final Map<String, Integer> oids = new LinkedHashMap<>();

  PgCatalog(Gateway gateway, Clock clock) {
    this.gateway = gateway;
    this.view = new CatalogView(gateway, clock);
    int oid = FIRST_OID;
    for (String table : gateway.catalog().tables().keySet()) {
      oids.put(table, oid++);
    }
    add("psql \\dt", PSQL_LIST_TABLES, (a, args) -> listTables(a));
    add("psql \\d", PSQL_LIST_RELATIONS, (a, args) -> listTables(a));
    add("psql \\d <name>: lookup", PSQL_DESCRIBE_LOOKUP, this::lookup);
    add("psql \\d <name>: table", PSQL_DESCRIBE_TABLE, this::describeTable);
    add("psql \\d <name>: columns", PSQL_DESCRIBE_COLUMNS, this::describeColumns);
    add("psql \\d <name>: policies", PSQL_DESCRIBE_POLICIES, (a, args) -> empty(List.of(col("polname", Type.NAME),
        col("polpermissive", Type.BOOL), col("array_to_string", Type.TEXT), col("pg_get_expr", Type.TEXT),
        col("pg_get_expr", Type.TEXT), col("cmd", Type.TEXT))));
    add("psql \\d <name>: statistics", PSQL_DESCRIBE_STATISTICS, (a, args) -> empty(List.of(col("oid", Type.OID),
        col("stxrelid", Type.TEXT), col("nsp", Type.TEXT), col("stxname", Type.NAME), col("columns", Type.TEXT),
        col("ndist_enabled", Type.BOOL), col("deps_enabled", Type.BOOL), col("mcv_enabled", Type.BOOL),
        col("stxstattarget", Type.INT4))));
    add("psql \\d <name>: publications", PSQL_DESCRIBE_PUBLICATIONS, (a, args) -> empty(List.of(
        col("pubname", Type.NAME), col("?column?", Type.TEXT), col("?column?", Type.TEXT))));
    add("psql \\d <name>: parents", PSQL_DESCRIBE_PARENTS, (a, args) -> empty(List.of(col("oid", Type.TEXT))));
    add("psql \\d <name>: partitions", PSQL_DESCRIBE_PARTITIONS, (a, args) -> empty(List.of(col("oid", Type.TEXT),
        col("relkind", Type.CHAR), col("inhdetachpending", Type.BOOL), col("pg_get_expr", Type.TEXT))));
    add("RPostgreSQL dbListTables", R_LIST_TABLES, (a, args) -> tableNames(a, null));
    add("RPostgreSQL dbExistsTable", R_EXISTS_TABLE, (a, args) -> tableNames(a, args.get("1")));
    add("RPostgreSQL dbListFields", R_LIST_FIELDS, this::fieldNames);
    add("RPostgreSQL column nullability", R_NOT_NULL, (a, args) -> new PgResult.Fixed(List.of(col("attnotnull",
        Type.BOOL)), List.<Object[]>of(new Object[] {false})));
    add("psycopg TypeInfo.fetch", PSYCOPG_TYPE_INFO, this::typeInfo);
    addJdbc();
  }

  /** pgjdbc's DatabaseMetaData (the texts in {@link PgJdbcTexts}). */
  private void addJdbc() {
    Map<String, List<Part>> typeClauses = new LinkedHashMap<>();
    PgJdbcTexts.TABLE_TYPE_CLAUSES.forEach((type, clause) -> typeClauses.put(type, List.of(run(" OR ( " + clause + " ) "))));
    add("JDBC getTables", List.of(run(PgJdbcTexts.TABLES), opt(PgJdbcTexts.TABLES_SCHEMA), opt(PgJdbcTexts.TABLES_NAME),
        opt("typesGiven", run(PgJdbcTexts.TABLES_TYPES_OPEN), new Many("types", typeClauses),
            run(PgJdbcTexts.TABLES_TYPES_CLOSE)), run(PgJdbcTexts.TABLES_ORDER)), this::jdbcTables);
    add("JDBC getColumns", List.of(run(PgJdbcTexts.COLUMNS), opt(PgJdbcTexts.COLUMNS_SCHEMA),
        opt(PgJdbcTexts.COLUMNS_TABLE), run(PgJdbcTexts.COLUMNS_WHERE), opt(PgJdbcTexts.COLUMNS_NAME),
        run(PgJdbcTexts.COLUMNS_ORDER)), this::jdbcColumns);
    add("JDBC getSchemas", List.of(run(PgJdbcTexts.SCHEMAS), opt(PgJdbcTexts.SCHEMAS_PATTERN),
        run(PgJdbcTexts.SCHEMAS_ORDER)), (a, args) -> new PgResult.Fixed(List.of(col("TABLE_SCHEM", Type.NAME),
            col("TABLE_CATALOG", Type.NAME)), likeOrAll(SCHEMA, args.get("schema"))
            ? List.<Object[]>of(new Object[] {SCHEMA, gateway.projectId()}) : List.of()));
    add("JDBC getCatalogs", PgJdbcTexts.CATALOGS, (a, args) -> new PgResult.Fixed(List.of(col("TABLE_CAT", Type.NAME)),
        List.<Object[]>of(new Object[] {gateway.projectId()})));
    add("JDBC getTypeInfo", PgJdbcTexts.TYPE_INFO, (a, args) -> {
      List<Object[]> rows = new ArrayList<>();
      for (Type t : Type.values()) {
        rows.add(new Object[] {t.typname(), t.oid()});
      }
      return new PgResult.Fixed(List.of(col("typname", Type.NAME), col("oid", Type.OID)), rows);
    });
    add("JDBC type by OID", PgJdbcTexts.TYPE_BY_OID, (a, args) -> {
      List<Object[]> rows = new ArrayList<>();
      for (Type t : Type.values()) {
        if (String.valueOf(t.oid()).equals(args.get("oid").trim())) {
          rows.add(new Object[] {true, "pg_catalog", t.typname()});
        }
      }
      return new PgResult.Fixed(List.of(col("?column?", Type.BOOL), col("nspname", Type.NAME), col("typname", Type.NAME)), rows);
    });
    // The extract declares no keys and no indexes: the key and index questions have empty answers.
    add("JDBC getPrimaryKeys", List.of(run(PgJdbcTexts.PRIMARY_KEYS), opt(PgJdbcTexts.KEYS_SCHEMA),
        opt(PgJdbcTexts.KEYS_TABLE), run(PgJdbcTexts.PRIMARY_KEYS_END)), (a, args) -> empty(List.of(
            col("TABLE_CAT", Type.NAME), col("TABLE_SCHEM", Type.NAME), col("TABLE_NAME", Type.NAME),
            col("COLUMN_NAME", Type.NAME), col("KEY_SEQ", Type.INT4), col("PK_NAME", Type.NAME))));
    add("JDBC all types", PgJdbcTexts.ALL_TYPES, (a, args) -> {
      List<Object[]> rows = new ArrayList<>();
      for (Type t : Type.values()) {
        rows.add(new Object[] {false, "b", t.typname(), t.oid()});
      }
      return new PgResult.Fixed(List.of(col("is_array", Type.BOOL), col("typtype", Type.CHAR),
          col("typname", Type.NAME), col("oid", Type.OID)), rows);
    });
    List<Column> foreignKeys = List.of(col("PKTABLE_CAT", Type.NAME), col("PKTABLE_SCHEM", Type.NAME),
        col("PKTABLE_NAME", Type.NAME), col("PKCOLUMN_NAME", Type.NAME), col("FKTABLE_CAT", Type.NAME),
        col("FKTABLE_SCHEM", Type.NAME), col("FKTABLE_NAME", Type.NAME), col("FKCOLUMN_NAME", Type.NAME),
        col("KEY_SEQ", Type.INT4), col("UPDATE_RULE", Type.INT4), col("DELETE_RULE", Type.INT4),
        col("FK_NAME", Type.NAME), col("PK_NAME", Type.NAME), col("DEFERRABILITY", Type.INT4));
    List<Part> keyFilters = List.of(opt(PgJdbcTexts.FOREIGN_KEYS_PK_SCHEMA), opt(PgJdbcTexts.FOREIGN_KEYS_PK_TABLE),
        opt(PgJdbcTexts.FOREIGN_KEYS_FK_SCHEMA), opt(PgJdbcTexts.FOREIGN_KEYS_FK_TABLE));
    add("JDBC getImportedKeys", concat(run(PgJdbcTexts.FOREIGN_KEYS), keyFilters, run(PgJdbcTexts.FOREIGN_KEYS_BY_PK)),
        (a, args) -> empty(foreignKeys));
    add("JDBC getExportedKeys", concat(run(PgJdbcTexts.FOREIGN_KEYS), keyFilters, run(PgJdbcTexts.FOREIGN_KEYS_BY_FK)),
        (a, args) -> empty(foreignKeys));
    add("JDBC max_index_keys", PgJdbcTexts.MAX_INDEX_KEYS, (a, args) -> new PgResult.Fixed(
        List.of(col("setting", Type.TEXT)), List.<Object[]>of(new Object[] {"32"})));
    add("JDBC getIndexInfo", List.of(run(PgJdbcTexts.INDEX_INFO), opt(PgJdbcTexts.KEYS_SCHEMA),
        opt(PgJdbcTexts.KEYS_TABLE), opt(PgJdbcTexts.INDEX_UNIQUE), run(PgJdbcTexts.INDEX_INFO_END)),
        (a, args) -> empty(List.of(col("TABLE_CAT", Type.NAME), col("TABLE_SCHEM", Type.NAME),
            col("TABLE_NAME", Type.NAME), col("NON_UNIQUE", Type.BOOL), col("INDEX_QUALIFIER", Type.TEXT),
            col("INDEX_NAME", Type.NAME), col("TYPE", Type.INT4), col("ORDINAL_POSITION", Type.INT4),
            col("COLUMN_NAME", Type.TEXT), col("ASC_OR_DESC", Type.TEXT), col("CARDINALITY", Type.FLOAT4),
            col("PAGES", Type.INT4), col("FILTER_CONDITION", Type.TEXT), col("REMARKS", Type.TEXT))));
  }

  /** The one schema the project's tables are listed in. */
  private static final String SCHEMA = "public";

  /** A JDBC pattern: SQL LIKE with pgjdbc's backslash escape; absent means everything. */
  private static boolean likeOrAll(String value, String pattern) {
    return pattern == null || CatalogView.like(value, pattern, '\\');
  }

  /** getTables: the project's tables the session may see, only when TABLE is among the asked types. */
  private PgResult jdbcTables(Answering a, Map<String, String> args) {
    boolean tables = !args.containsKey("typesGiven")
        || List.of(args.getOrDefault("types", "").split(",")).contains("TABLE");
    List<Object[]> rows = new ArrayList<>();
    if (tables && likeOrAll(SCHEMA, args.get("schema"))) {
      a.tables().stream().map(t -> t.table().name()).filter(n -> likeOrAll(n, args.get("table"))).sorted()
          .forEach(n -> rows.add(new Object[] {gateway.projectId(), SCHEMA, n, "TABLE", null, "", "", "", "", ""}));
    }
    return new PgResult.Fixed(List.of(col("TABLE_CAT", Type.NAME), col("TABLE_SCHEM", Type.NAME),
        col("TABLE_NAME", Type.NAME), col("TABLE_TYPE", Type.TEXT), col("REMARKS", Type.TEXT),
        col("TYPE_CAT", Type.TEXT), col("TYPE_SCHEM", Type.TEXT), col("TYPE_NAME", Type.TEXT),
        col("SELF_REFERENCING_COL_NAME", Type.TEXT), col("REF_GENERATION", Type.TEXT)), rows);
  }

  /**
   * getColumns: only the columns the session may read, numbered among themselves (as pgjdbc's own
   * row_number does), so a hidden column leaves no gap.
   */
  private PgResult jdbcColumns(Answering a, Map<String, String> args) {
    List<Object[]> rows = new ArrayList<>();
    if (likeOrAll(SCHEMA, args.get("schema"))) {
      a.tables().stream().filter(t -> likeOrAll(t.table().name(), args.get("table")))
          .sorted(java.util.Comparator.comparing(t -> t.table().name())).forEach(t -> {
            long n = 0;
            for (ProjectCatalog.ColumnInfo c : t.columns()) {
              n++;
              if (!likeOrAll(c.name(), args.get("column"))) {
                continue;
              }
              Column pg = PgTypes.ofDuckDb(c.name(), c.duckDbType());
              rows.add(new Object[] {gateway.projectId(), SCHEMA, t.table().name(), c.name(), pg.type().oid(), false,
                  pg.typmod(), pg.type().length(), -1, n, null, null, null, null, 0, "b"});
            }
          });
    }
    return new PgResult.Fixed(List.of(col("current_database", Type.NAME), col("nspname", Type.NAME),
        col("relname", Type.NAME), col("attname", Type.NAME), col("atttypid", Type.OID), col("attnotnull", Type.BOOL),
        col("atttypmod", Type.INT4), col("attlen", Type.INT2), col("typtypmod", Type.INT4), col("attnum", Type.INT8),
        col("attidentity", Type.CHAR), col("attgenerated", Type.CHAR), col("adsrc", Type.TEXT),
        col("description", Type.TEXT), col("typbasetype", Type.OID), col("typtype", Type.CHAR)), rows);
  }

  private void add(String name, String text, BiFunction<Answering, Map<String, String>, PgResult> answer) {
    known.add(new Known(name, List.of(run(text)), answer));
  }

  private void add(String name, List<Part> parts, BiFunction<Answering, Map<String, String>, PgResult> answer) {
    known.add(new Known(name, parts, answer));
  }

  /**
   * A client's text as one run of tokens. Wildcards: the string {@code '?'} or {@code $0}
   * (numbered 1, 2, … in order) and {@code '?name'} (named); a wildcard matches one string or number.
   */
  static Run run(String text) {
    List<Token> tokens = PgSql.tokens(text);
    List<String> slots = new ArrayList<>();
    int positional = 0;
    for (Token t : tokens) {
      if (t.kind() == Kind.STRING && t.text().startsWith("?")) {
        slots.add(t.text().length() == 1 ? String.valueOf(++positional) : t.text().substring(1));
      } else if (t.kind() == Kind.PARAM && t.text().equals("$0")) {
        slots.add(String.valueOf(++positional));
      } else {
        slots.add(null);
      }
    }
    return new Run(tokens, slots);
  }

  private static List<Part> concat(Part first, List<Part> middle, Part last) {
    List<Part> all = new ArrayList<>();
    all.add(first);
    all.addAll(middle);
    all.add(last);
    return all;
  }

  private static Opt opt(String flag, Part... parts) {
    return new Opt(flag, List.of(parts));
  }

  private static Opt opt(String text) {
    return new Opt(null, List.of(run(text)));
  }

  /**
   * The answer to a known catalog question, or empty if {@code sql} is not one. The session must
   * be allowed to query the project (GW-POLICY-DENIED otherwise, audited); what was listed is audited.
   */
  Optional<PgResult> answer(String sql, List<Token> tokens, GatewaySession session) {
    for (Known k : known) {
      Map<String, String> args = match(k.parts(), tokens);
      if (args == null) {
        continue;
      }
      Decision decision = view.authorize(session, "pgwire " + k.name());
      List<CatalogView.TableView> tables = view.tables(session, null);
      PgResult result = k.answer().apply(new Answering(tables, session), args);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("arguments", args);
      detail.put("tables", tables.size());
      Map<String, Object> hidden = new java.util.TreeMap<>();
      tables.stream().filter(t -> !t.hidden().isEmpty()).forEach(t -> hidden.put(t.table().name(), t.hidden()));
      detail.put("hiddenColumns", hidden);
      view.listed(session, "pgwire " + k.name(), decision, detail);
      return Optional.of(result);
    }
    return Optional.empty();
  }

  /** The wildcard slots' values (by name) if {@code actual} is the text {@code parts} describe, else null. */
  static Map<String, String> match(List<Part> parts, List<Token> actual) {
    int n = actual.size();
    if (n > 0 && actual.get(n - 1).is(";")) {
      n--;
    }
    int end = n;
    return parts(parts, 0, actual, end, 0, new LinkedHashMap<>(), (at, args) -> at == end ? args : null);
  }

  private static Map<String, String> parts(List<Part> parts, int pi, List<Token> actual, int n, int at,
      Map<String, String> args, Rest rest) {
    if (pi == parts.size()) {
      return rest.at(at, args);
    }
    Rest next = (a, m) -> parts(parts, pi + 1, actual, n, a, m, rest);
    Part part = parts.get(pi);
    if (part instanceof Run r) {
      Map<String, String> m = new LinkedHashMap<>(args);
      int after = run(r, actual, n, at, m);
      return after < 0 ? null : next.at(after, m);
    }
    if (part instanceof Opt o) {
      Map<String, String> m = new LinkedHashMap<>(args);
      if (o.flag() != null) {
        m.put(o.flag(), "");
      }
      Map<String, String> taken = parts(o.parts(), 0, actual, n, at, m, next);
      return taken != null ? taken : next.at(at, args);
    }
    Many many = (Many) part;
    Rest again = (a, m) -> a == at ? null : parts(parts, pi, actual, n, a, m, rest);
    String taken = args.get(many.name());
    // A client names each choice once: more repetitions than choices is not a client's text
    // (and would let a long message recurse deep).
    if (taken != null && taken.split(",").length >= many.choices().size()) {
      return next.at(at, args);
    }
    for (Map.Entry<String, List<Part>> choice : many.choices().entrySet()) {
      Map<String, String> m = new LinkedHashMap<>(args);
      m.merge(many.name(), choice.getKey(), (x, y) -> x + "," + y);
      Map<String, String> done = parts(choice.getValue(), 0, actual, n, at, m, again);
      if (done != null) {
        return done;
      }
    }
    return next.at(at, args);
  }

  /** The token after the run if it matches at {@code at} (slot values put into {@code args}), else -1. */
  private static int run(Run r, List<Token> actual, int n, int at, Map<String, String> args) {
    List<Token> template = r.tokens();
    if (at + template.size() > n) {
      return -1;
    }
    for (int i = 0; i < template.size(); i++) {
      Token t = template.get(i);
      Token a = actual.get(at + i);
      String slot = r.slots().get(i);
      if (slot != null) {
        if (a.kind() != Kind.STRING && a.kind() != Kind.NUMBER) {
          return -1;
        }
        args.put(slot, a.text());
      } else if (t.kind() != a.kind() || !t.text().equals(a.text())) {
        return -1;
      }
    }
    return at + template.size();
  }

  private static Column col(String name, Type type) {
    return Column.of(name, type);
  }

  private static PgResult empty(List<Column> columns) {
    return new PgResult.Fixed(columns, List.of());
  }

  private PgResult listTables(Answering a) {
    List<Object[]> rows = new ArrayList<>();
    a.tables().stream().map(t -> t.table().name()).sorted()
        .forEach(name -> rows.add(new Object[] {"public", name, "table", "enclave"}));
    return new PgResult.Fixed(List.of(col("Schema", Type.NAME), col("Name", Type.NAME), col("Type", Type.TEXT),
        col("Owner", Type.NAME)), rows);
  }

  /** psql's {@code '^(name)$'}: a regular expression over names (psql writes it from the pattern). */
  private PgResult lookup(Answering a, Map<String, String> args) {
    String regex = args.get("1");
    List<Object[]> rows = new ArrayList<>();
    if (regex.length() <= 200) {
      java.util.regex.Pattern p;
      try {
        p = java.util.regex.Pattern.compile(regex);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new PgError("2201B", "GW-CATALOG", "invalid regular expression: " + e.getDescription());
      }
      a.tables().stream().map(t -> t.table().name()).sorted().filter(n -> p.matcher(n).find())
          .forEach(name -> rows.add(new Object[] {oids.get(name), "public", name}));
    }
    return new PgResult.Fixed(List.of(col("oid", Type.OID), col("nspname", Type.NAME), col("relname", Type.NAME)), rows);
  }

  /** The visible table with this OID (as text), or null. */
  private CatalogView.TableView byOid(Answering a, String oid) {
    for (CatalogView.TableView t : a.tables()) {
      if (String.valueOf(oids.get(t.table().name())).equals(oid.trim())) {
        return t;
      }
    }
    return null;
  }

  private PgResult describeTable(Answering a, Map<String, String> args) {
    List<Column> columns = List.of(col("relchecks", Type.INT2), col("relkind", Type.CHAR), col("relhasindex", Type.BOOL),
        col("relhasrules", Type.BOOL), col("relhastriggers", Type.BOOL), col("relrowsecurity", Type.BOOL),
        col("relforcerowsecurity", Type.BOOL), col("relhasoids", Type.BOOL), col("relispartition", Type.BOOL),
        col("?column?", Type.TEXT), col("reltablespace", Type.OID), col("reloftype", Type.TEXT),
        col("relpersistence", Type.CHAR), col("relreplident", Type.CHAR), col("amname", Type.NAME));
    if (byOid(a, args.get("1")) == null) {
      return empty(columns);
    }
    return new PgResult.Fixed(columns, List.<Object[]>of(new Object[] {(short) 0, "r", false, false, false, false,
        false, false, false, "", 0, "", "p", "d", "heap"}));
  }

  private PgResult describeColumns(Answering a, Map<String, String> args) {
    List<Column> columns = List.of(col("attname", Type.NAME), col("format_type", Type.TEXT),
        col("pg_get_expr", Type.TEXT), col("attnotnull", Type.BOOL), col("attcollation", Type.NAME),
        col("attidentity", Type.CHAR), col("attgenerated", Type.CHAR));
    CatalogView.TableView t = byOid(a, args.get("1"));
    List<Object[]> rows = new ArrayList<>();
    if (t != null) {
      for (ProjectCatalog.ColumnInfo c : t.columns()) {
        Column pg = PgTypes.ofDuckDb(c.name(), c.duckDbType());
        rows.add(new Object[] {c.name(), PgTypes.formatType(pg.type(), pg.typmod()), null, false, null, "", ""});
      }
    }
    return new PgResult.Fixed(columns, rows);
  }

  private PgResult tableNames(Answering a, String only) {
    List<Object[]> rows = new ArrayList<>();
    a.tables().stream().map(t -> t.table().name()).filter(n -> only == null || n.equals(only))
        .forEach(n -> rows.add(new Object[] {n}));
    return new PgResult.Fixed(List.of(col("tablename", Type.NAME)), rows);
  }

  private PgResult fieldNames(Answering a, Map<String, String> args) {
    List<Object[]> rows = new ArrayList<>();
    a.tables().stream().filter(t -> t.table().name().equals(args.get("1")))
        .forEach(t -> t.columns().forEach(c -> rows.add(new Object[] {c.name()})));
    return new PgResult.Fixed(List.of(col("attname", Type.NAME)), rows);
  }

  /** Array type OIDs of the served types (psycopg asks for them with the type). */
  private static final Map<Type, Integer> ARRAY_OIDS = Map.ofEntries(Map.entry(Type.BOOL, 1000),
      Map.entry(Type.NAME, 1003), Map.entry(Type.INT8, 1016), Map.entry(Type.INT2, 1005), Map.entry(Type.INT4, 1007),
      Map.entry(Type.TEXT, 1009), Map.entry(Type.OID, 1028), Map.entry(Type.CHAR, 1002), Map.entry(Type.FLOAT4, 1021),
      Map.entry(Type.FLOAT8, 1022), Map.entry(Type.VARCHAR, 1015), Map.entry(Type.DATE, 1182),
      Map.entry(Type.TIME, 1183), Map.entry(Type.TIMESTAMP, 1115), Map.entry(Type.TIMESTAMPTZ, 1185),
      Map.entry(Type.INTERVAL, 1187), Map.entry(Type.NUMERIC, 1231));

  /** psycopg's TypeInfo.fetch: a served type by name (typname or SQL name) or OID; nothing else. */
  private PgResult typeInfo(Answering a, Map<String, String> args) {
    String wanted = args.get("1").trim().toLowerCase(java.util.Locale.ROOT);
    List<Object[]> rows = new ArrayList<>();
    for (Type t : Type.values()) {
      if (t.typname().equals(wanted) || t.sqlName().equals(wanted) || String.valueOf(t.oid()).equals(wanted)) {
        rows.add(new Object[] {t.typname(), t.oid(), ARRAY_OIDS.get(t), t.sqlName(), ","});
      }
    }
    return new PgResult.Fixed(List.of(col("name", Type.NAME), col("oid", Type.OID), col("array_oid", Type.OID),
        col("regtype", Type.TEXT), col("delimiter", Type.CHAR)), rows);
  }

  /** The questions this catalog answers, by name (README, tests). */
  List<String> questions() {
    return known.stream().map(Known::name).toList();
  }
}
