package jp.enclave.pseudonymizer.ingest;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.literal;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.pseudonymizer.source.CodeList;
import jp.enclave.pseudonymizer.source.Column;
import jp.enclave.pseudonymizer.source.Reference;
import jp.enclave.pseudonymizer.source.SourceTable;

/**
 * Loads the source CSVs into the holder's staging database. Each row either passes every rule of
 * its {@link SourceTable} and lands typed in {@code src_<file>}, or lands in {@code quarantine}
 * with every reason it failed. Structural faults (encoding, column count, quoting) come from
 * DuckDB's own reject tables; the rest are rules generated from the column kinds.
 */
public final class SourceIngest {
  /** Per source file: records read (counted independently), accepted, quarantined, opted out. */
  public record FileCount(long input, long accepted, long quarantined, long optedOut) {
    public boolean reconciles() {
      return input == accepted + quarantined + optedOut;
    }
  }

  public record Report(Map<SourceTable, FileCount> files) {
    public boolean reconciles() {
      return files.values().stream().allMatch(FileCount::reconciles);
    }

    public long accepted() {
      return files.values().stream().mapToLong(FileCount::accepted).sum();
    }

    public long input() {
      return files.values().stream().mapToLong(FileCount::input).sum();
    }

    public long quarantined() {
      return files.values().stream().mapToLong(FileCount::quarantined).sum();
    }

    public long optedOut() {
      return files.values().stream().mapToLong(FileCount::optedOut).sum();
    }

    /** The counts after accepted rows of opted-out persons left staging; fails unless they reconcile. */
    public Report withOptedOut(Map<SourceTable, Long> removed) {
      Map<SourceTable, FileCount> out = new EnumMap<>(SourceTable.class);
      files.forEach((t, c) -> {
        long n = removed.getOrDefault(t, 0L);
        out.put(t, new FileCount(c.input(), c.accepted() - n, c.quarantined(), c.optedOut() + n));
      });
      Report r = new Report(out);
      if (!r.reconciles()) {
        throw new PipelineException("row counts do not reconcile (input = accepted + quarantined + opted out): " + out);
      }
      return r;
    }
  }

  private SourceIngest() {}

  public static Report run(Connection staging, Path sourceDir) {
    for (SourceTable t : SourceTable.values()) {
      if (!Files.isRegularFile(sourceDir.resolve(t.fileName()))) {
        throw new PipelineException("source file " + t.fileName() + " is missing from " + sourceDir);
      }
    }
    loadReferences(staging);
    exec(staging, "CREATE OR REPLACE TABLE quarantine (source_file VARCHAR, line BIGINT, record_key VARCHAR, "
        + "reason VARCHAR, raw VARCHAR)");
    Map<SourceTable, FileCount> counts = new EnumMap<>(SourceTable.class);
    for (SourceTable t : SourceTable.values()) {
      counts.put(t, load(staging, t, sourceDir.resolve(t.fileName())));
    }
    Report report = new Report(counts);
    if (!report.reconciles()) {
      throw new PipelineException("row counts do not reconcile (input = accepted + quarantined): " + counts);
    }
    return report;
  }

  private static FileCount load(Connection c, SourceTable t, Path file) {
    long input = RecordCounter.dataRecords(file);
    String stem = t.stem();
    String key = t.recordKey();
    String columns = t.columns().stream().map(col -> literal(col.name()) + ": 'VARCHAR'")
        .collect(Collectors.joining(", ", "{", "}"));
    // One typed copy per file: a failing row keeps its raw values as JSON for the quarantine.
    exec(c, "CREATE OR REPLACE TABLE src_" + stem + " AS SELECT " + typedColumns(t) + ", "
        + (t == SourceTable.PATIENT ? "" : "_reg, ") + (hasEncounter(t) ? "_enc, " : "") + "_reason, CASE WHEN _reason <> '' THEN to_json(" + rowStruct(t) + ") END AS _raw FROM (SELECT r.*, "
        + references(t) + reasons(t) + " AS _reason FROM read_csv(" + literal(file) + ", header = true, "
        + "auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = " + columns
        + ", store_rejects = true, rejects_table = 'rej_" + stem + "', rejects_scan = 'rejscan_" + stem + "') r"
        + referenceJoins(t) + ")");
    exec(c, "INSERT INTO quarantine SELECT " + literal(t.fileName()) + ", line, NULL, "
        + "string_agg(error_type || coalesce(' in ' || column_name, '') || ': ' || error_message, '; '), "
        + "any_value(csv_line) FROM rej_" + stem + " GROUP BY line");
    long structural = queryLong(c, "SELECT count(DISTINCT line) FROM rej_" + stem);
    // Duplicate keys are rare: find them with one aggregate, then only those rows need a look-up.
    exec(c, "CREATE OR REPLACE TEMP TABLE dup_" + stem + " AS SELECT hospital_id, " + key + " FROM src_" + stem
        + " WHERE " + key + " IS NOT NULL GROUP BY ALL HAVING count(*) > 1");
    String isDuplicate = "(hospital_id, " + key + ") IN (SELECT (hospital_id, " + key + ") FROM dup_" + stem + ")";
    String rejected = "_reason <> '' OR " + isDuplicate;
    exec(c, "INSERT INTO quarantine SELECT " + literal(t.fileName()) + ", NULL, " + key + ", concat_ws('; ', "
        + "nullif(_reason, ''), CASE WHEN " + isDuplicate + " THEN 'duplicate record key " + key + ": ' || " + key
        + " END), coalesce(_raw, to_json(" + rowStruct(t) + ")) FROM src_" + stem + " WHERE " + rejected);
    exec(c, "DELETE FROM src_" + stem + " WHERE " + rejected);
    exec(c, "DROP TABLE dup_" + stem);
    if (t == SourceTable.PATIENT) {
      // Registrations get dense surrogates 1..n in a fixed order: linkage indexes arrays by them,
      // and the same source must always give the same persons and pseudonyms.
      exec(c, "CREATE OR REPLACE TABLE src_patients AS SELECT row_number() OVER (ORDER BY hospital_id, patient_id) "
          + "AS _sid, * EXCLUDE (_reason, _raw) FROM src_patients");
    }
    long accepted = queryLong(c, "SELECT count(*) FROM src_" + stem);
    long quarantined = queryLong(c, "SELECT count(*) FROM quarantine WHERE source_file = " + literal(t.fileName()));
    if (quarantined < structural) {
      throw new PipelineException("quarantine lost structural rejects of " + t.fileName());
    }
    return new FileCount(input, accepted, quarantined, 0);
  }

  /**
   * Resolves a row's references once, here, to integer surrogates: {@code _reg} is the accepted
   * registration (hospital, patient) it belongs to, {@code _enc} the accepted encounter it cites.
   * Every later join is then on integers.
   */
  private static String references(SourceTable t) {
    return (t == SourceTable.PATIENT ? "" : "p._sid AS _reg, ") + (hasEncounter(t) ? "(e.rowid + 1) AS _enc, " : "");
  }

  private static String referenceJoins(SourceTable t) {
    return (t == SourceTable.PATIENT ? ""
        : " LEFT JOIN src_patients p ON p.hospital_id = r.hospital_id AND p.patient_id = r.patient_id")
        + (hasEncounter(t) ? " LEFT JOIN src_encounters e ON e.hospital_id = r.hospital_id "
            + "AND e.encounter_id = r.encounter_id AND e._reg = p._sid" : "");
  }

  static boolean hasEncounter(SourceTable t) {
    return t != SourceTable.ENCOUNTER && t.columns().stream().anyMatch(c -> c.name().equals("encounter_id"));
  }

  /**
   * The SQL that names every rule a row breaks, '' when it breaks none. One cheap OR of the rules
   * runs for every row; the message is only built for the few rows that fail.
   */
  static String reasons(SourceTable t) {
    List<String[]> rules = new ArrayList<>();
    for (Column col : t.columns()) {
      String n = "r." + col.name();
      String name = col.name();
      if (col.required()) {
        rules.add(new String[] {n + " IS NULL OR trim(" + n + ") = ''", "'" + name + " is missing'"});
      }
      String bad = switch (col.kind()) {
        case DATE -> "try_cast(" + n + " AS DATE) IS NULL";
        case DECIMAL -> "try_cast(" + n + " AS DOUBLE) IS NULL";
        case INTEGER -> "try_cast(" + n + " AS INTEGER) IS NULL";
        case BOOLEAN -> n + " NOT IN ('true', 'false')";
        case CODE -> n + " NOT IN (SELECT code FROM " + col.codes().table() + ")";
        case KEY, TEXT -> null;
      };
      if (bad != null) {
        String what = switch (col.kind()) {
          case DATE -> " is not a valid date: ";
          case DECIMAL, INTEGER -> " is not a number: ";
          case BOOLEAN -> " is not true/false: ";
          default -> " is not a known " + col.codes().name() + " code: ";
        };
        rules.add(new String[] {n + " IS NOT NULL AND trim(" + n + ") <> '' AND " + bad, "'" + name + what + "' || " + n});
      }
    }
    if (t != SourceTable.PATIENT) {
      rules.add(new String[] {"r.patient_id IS NOT NULL AND p._sid IS NULL",
          "'no accepted patient record for ' || r.hospital_id || '/' || r.patient_id"});
    }
    if (hasEncounter(t)) {
      rules.add(new String[] {"r.encounter_id IS NOT NULL AND e.rowid IS NULL AND p._sid IS NOT NULL",
          "'encounter_id ' || r.encounter_id || ' is not an accepted encounter of this patient'"});
    }
    String anyBroken = rules.stream().map(r -> "coalesce(" + r[0] + ", false)").collect(Collectors.joining(" OR "));
    String messages = rules.stream().map(r -> "CASE WHEN " + r[0] + " THEN " + r[1] + " END")
        .collect(Collectors.joining(", "));
    return "CASE WHEN " + anyBroken + " THEN concat_ws('; ', " + messages + ") ELSE '' END";
  }

  private static String rowStruct(SourceTable t) {
    return t.columns().stream().map(col -> literal(col.name()) + ": " + col.name())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String typedColumns(SourceTable t) {
    return t.columns().stream().map(col -> switch (col.kind()) {
      case DATE -> "try_cast(" + col.name() + " AS DATE) AS " + col.name();
      case DECIMAL -> "try_cast(" + col.name() + " AS DOUBLE) AS " + col.name();
      case INTEGER -> "try_cast(" + col.name() + " AS INTEGER) AS " + col.name();
      case BOOLEAN -> "try_cast(" + col.name() + " AS BOOLEAN) AS " + col.name();
      default -> col.name();
    }).collect(Collectors.joining(", "));
  }

  private static void loadReferences(Connection c) {
    Reference ref = Reference.get();
    codes(c, CodeList.HOSPITAL, ref.hospitals().stream().map(Reference.Hospital::id).toList());
    codes(c, CodeList.SEX, List.of("M", "F"));
    codes(c, CodeList.ICD10, ref.diagnoses().stream().map(Reference.Diagnosis::icd10).toList());
    codes(c, CodeList.DRUG, ref.drugs().stream().map(Reference.Drug::code).toList());
    codes(c, CodeList.LAB, ref.labs().stream().map(Reference.Lab::code).toList());
    codes(c, CodeList.ALLERGEN, ref.allergens().stream().map(Reference.Allergen::code).toList());
    codes(c, CodeList.ENCOUNTER_TYPE, List.of("outpatient", "inpatient"));
    codes(c, CodeList.ROUTE, List.of("oral", "injection"));
  }

  private static void codes(Connection c, CodeList list, Collection<String> codes) {
    exec(c, "CREATE OR REPLACE TABLE " + list.table() + " AS SELECT code FROM (VALUES "
        + codes.stream().map(x -> "(" + literal(x) + ")").collect(Collectors.joining(", ")) + ") v(code)");
  }
}
