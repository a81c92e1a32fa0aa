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
 * RPostgreSQL 0.7 and psycopg 3.1, see the README), matched token by token: whitespace, case and
 * comments do not matter, string and number literals must be those of the client's text except at
 * the marked slots ({@code '?'} or {@code $0}), whose values are the question's arguments. Any
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

  /** One known question: the client's text as tokens and how to answer it. */
  private record Known(String name, List<Token> tokens, BiFunction<Answering, List<String>, PgResult> answer) {}

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
    add("RPostgreSQL dbExistsTable", R_EXISTS_TABLE, (a, args) -> tableNames(a, args.get(0)));
    add("RPostgreSQL dbListFields", R_LIST_FIELDS, this::fieldNames);
    add("RPostgreSQL column nullability", R_NOT_NULL, (a, args) -> new PgResult.Fixed(List.of(col("attnotnull",
        Type.BOOL)), List.<Object[]>of(new Object[] {false})));
    add("psycopg TypeInfo.fetch", PSYCOPG_TYPE_INFO, this::typeInfo);
  }

  private void add(String name, String text, BiFunction<Answering, List<String>, PgResult> answer) {
    known.add(new Known(name, PgSql.tokens(text), answer));
  }

  /**
   * The answer to a known catalog question, or empty if {@code sql} is not one. The session must
   * be allowed to query the project (GW-POLICY-DENIED otherwise, audited); what was listed is audited.
   */
  Optional<PgResult> answer(String sql, List<Token> tokens, GatewaySession session) {
    for (Known k : known) {
      List<String> args = match(k.tokens(), tokens);
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

  /** The wildcard slots' values if {@code actual} is {@code template}'s text, else null. */
  static List<String> match(List<Token> template, List<Token> actual) {
    int n = actual.size();
    if (n > 0 && actual.get(n - 1).is(";")) {
      n--;
    }
    if (n != template.size()) {
      return null;
    }
    List<String> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Token t = template.get(i);
      Token a = actual.get(i);
      boolean wildcard = (t.kind() == Kind.STRING && t.text().equals("?")) || (t.kind() == Kind.PARAM && t.text().equals("$0"));
      if (wildcard) {
        if (a.kind() != Kind.STRING && a.kind() != Kind.NUMBER) {
          return null;
        }
        args.add(a.text());
      } else if (t.kind() != a.kind() || !t.text().equals(a.text())) {
        return null;
      }
    }
    return args;
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
  private PgResult lookup(Answering a, List<String> args) {
    String regex = args.get(0);
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

  private PgResult describeTable(Answering a, List<String> args) {
    List<Column> columns = List.of(col("relchecks", Type.INT2), col("relkind", Type.CHAR), col("relhasindex", Type.BOOL),
        col("relhasrules", Type.BOOL), col("relhastriggers", Type.BOOL), col("relrowsecurity", Type.BOOL),
        col("relforcerowsecurity", Type.BOOL), col("relhasoids", Type.BOOL), col("relispartition", Type.BOOL),
        col("?column?", Type.TEXT), col("reltablespace", Type.OID), col("reloftype", Type.TEXT),
        col("relpersistence", Type.CHAR), col("relreplident", Type.CHAR), col("amname", Type.NAME));
    if (byOid(a, args.get(0)) == null) {
      return empty(columns);
    }
    return new PgResult.Fixed(columns, List.<Object[]>of(new Object[] {(short) 0, "r", false, false, false, false,
        false, false, false, "", 0, "", "p", "d", "heap"}));
  }

  private PgResult describeColumns(Answering a, List<String> args) {
    List<Column> columns = List.of(col("attname", Type.NAME), col("format_type", Type.TEXT),
        col("pg_get_expr", Type.TEXT), col("attnotnull", Type.BOOL), col("attcollation", Type.NAME),
        col("attidentity", Type.CHAR), col("attgenerated", Type.CHAR));
    CatalogView.TableView t = byOid(a, args.get(0));
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

  private PgResult fieldNames(Answering a, List<String> args) {
    List<Object[]> rows = new ArrayList<>();
    a.tables().stream().filter(t -> t.table().name().equals(args.get(0)))
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
  private PgResult typeInfo(Answering a, List<String> args) {
    String wanted = args.get(0).trim().toLowerCase(java.util.Locale.ROOT);
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
