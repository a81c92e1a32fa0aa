package jp.enclave.pseudonymizer.project;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.literal;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.crypto.tink.prf.Prf;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.pseudonymizer.store.StoreTable;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateFiles;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import org.duckdb.DuckDBAppender;

/**
 * Provisions an approved project's extract: the cohort's rows of the requested tables and columns
 * within the period, with per-project pseudonyms and per-project record IDs (so two projects'
 * extracts cannot be joined on either), built in RAM scratch and sealed under the project's own
 * key.
 */
public final class ExtractProvisioner {
  /**
   * {@code alreadyProvisioned}: the project already had an extract of the same scope, nothing was
   * made again ({@code persons} is then -1: the count is in the first run's audit entry).
   */
  public record Result(String projectId, long persons, ExtractManifest manifest, long millis,
      boolean alreadyProvisioned) {}

  /** Where provisioning is: {@code step} of {@code steps} done, in {@code phase} (no data values). */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (phase, step, steps, detail) -> { };

    void report(String phase, int step, int steps, String detail);
  }

  private static final ObjectMapper SPEC_JSON = new ObjectMapper().findAndRegisterModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private ExtractProvisioner() {}

  /** The approved spec an extract was provisioned from. */
  public static Path specPath(HolderHome home, String projectId) {
    return home.projects().resolve(projectId + ".spec.json");
  }

  /** Reads a provisioned project's spec back, or empty if it was provisioned before specs were kept. */
  public static java.util.Optional<ProjectSpec> savedSpec(HolderHome home, String projectId) {
    Path p = specPath(home, projectId);
    if (!Files.exists(p)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(SPEC_JSON.readValue(p.toFile(), ProjectSpec.class));
    } catch (IOException e) {
      throw new ProjectException("saved spec " + p + " is unreadable: " + e.getMessage(), e);
    }
  }

  public static Result provision(HolderHome home, ProjectSpec spec) {
    return provision(home, spec, Progress.NONE);
  }

  /**
   * Provisions unless the project already has an extract of the same scope (tables, cohort,
   * period), which is then left as it is: a repeat, or a re-run after the caller died mid-way,
   * provisions once. Another scope for an existing extract is refused (delete it first). Runs
   * under the project's lock in the holder's home, so a second run of the same project (e.g. a
   * re-run while an orphaned first run is still going) waits for the first and then finds its
   * extract.
   */
  public static Result provisionOnce(HolderHome home, ProjectSpec spec, Progress progress) {
    String id = spec.projectId();
    if (!spec.problems().isEmpty()) {
      return provision(home, spec, progress); // refused there with every problem, and audited
    }
    progress.report("waiting-for-lock", 0, STEPS_BEFORE_TABLES, id);
    try {
      PrivateFiles.createDirectory(home.projects());
      Path lockFile = home.projects().resolve(id + ".lock");
      if (!Files.exists(lockFile)) {
        try {
          PrivateFiles.createFile(lockFile); // created once, never replaced: a lock holds the inode
        } catch (jp.enclave.sealed.SealedStoreException raced) {
          // another run created it first: it is only locked, not written
        }
      }
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
          java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock lock = ch.lock()) {
        Path manifest = SealedExtract.manifestPath(home.extracts(), id);
        if (Files.exists(manifest)) {
          java.util.Optional<ProjectSpec> saved = savedSpec(home, id);
          if (saved.isPresent() && sameScope(saved.get(), spec)) {
            ExtractManifest m = SealedExtract.readManifest(manifest).manifest();
            HolderAudit.record(home, "project.provision-unchanged", java.util.Map.of("project", id,
                "approvedBy", String.valueOf(spec.approval().approvedBy())));
            return new Result(id, -1, m, 0, true);
          }
        }
        return provision(home, spec, progress);
      }
    } catch (IOException e) {
      throw new ProjectException("provisioning " + id + ": cannot take the project's lock in " + home.projects()
          + ": " + e.getMessage(), e);
    }
  }

  /** Same extract: same project, tables and columns, cohort and period (title and approval aside). */
  static boolean sameScope(ProjectSpec a, ProjectSpec b) {
    return java.util.Objects.equals(a.projectId(), b.projectId()) && java.util.Objects.equals(a.tables(), b.tables())
        && java.util.Objects.equals(a.cohort(), b.cohort()) && java.util.Objects.equals(a.period(), b.period());
  }

  /** Steps reported before the tables (store opened, cohort, pseudonyms) and after them (sealing). */
  private static final int STEPS_BEFORE_TABLES = 3;
  private static final int STEPS_AFTER_TABLES = 1;

  public static Result provision(HolderHome home, ProjectSpec spec, Progress progress) {
    List<String> problems = new ArrayList<>(spec.problems());
    String id = spec.projectId();
    if (problems.isEmpty() && Files.exists(SealedExtract.manifestPath(home.extracts(), id))) {
      problems.add("project " + id + " already has an extract; delete it first to re-provision");
    }
    if (!Files.exists(home.store())) {
      problems.add("no pseudonymized store at " + home.store() + "; run the pipeline first");
    }
    if (!problems.isEmpty()) {
      HolderAudit.record(home, "project.provision-refused", java.util.Map.of("project", String.valueOf(id),
          "problems", problems));
      throw new ProjectException("project spec cannot be provisioned:\n  - " + String.join("\n  - ", problems));
    }
    HolderAudit.record(home, "project.provision-requested", java.util.Map.of("project", id,
        "approvedBy", String.valueOf(spec.approval().approvedBy()), "tables", spec.tables()));
    long start = System.nanoTime();
    KeyVault holder = home.holderVault();
    KeyVault extracts = home.extractVault();
    String prfKey = HolderHome.projectPrfKey(id);
    String sealKey = HolderHome.extractKey(id);
    if (!holder.exists(prfKey)) {
      holder.createPrfKey(prfKey);
    }
    if (!extracts.exists(sealKey)) {
      extracts.createSealingKey(sealKey);
    }
    Prf prf = holder.prfKey(prfKey);
    List<StoreTable> wanted = java.util.Arrays.stream(StoreTable.values())
        .filter(t -> spec.tables().containsKey(t.tableName())).toList();
    int steps = STEPS_BEFORE_TABLES + wanted.size() + STEPS_AFTER_TABLES;
    try (PrivateScratch scratch = PrivateScratch.create("provision-" + id)) {
      var db = scratch.resolve(id + ".duckdb");
      long persons;
      List<ExtractManifest.Table> tables = new ArrayList<>();
      progress.report("opening-store", 0, steps, id);
      var store = home.open(HolderHome.Holding.STORE, scratch);
      try (Connection c = Duck.open(db)) {
        exec(c, "SET temp_directory = " + literal(scratch.dir().resolve("tmp")));
        exec(c, "ATTACH " + literal(store) + " AS store (READ_ONLY)");
        progress.report("cohort", 1, steps, id);
        exec(c, "CREATE TEMP TABLE cohort AS " + cohortSql(spec));
        persons = mapPersons(c, prf);
        progress.report("pseudonyms", 2, steps, persons + " persons");
        String salt = HexFormat.of().formatHex(prf.compute("record-order".getBytes(StandardCharsets.UTF_8), 16));
        exec(c, "CREATE TEMP TABLE emap AS SELECT e.encounter_id, row_number() OVER (ORDER BY md5("
            + literal(salt) + " || e.encounter_id)) AS project_encounter_id FROM store.encounter e "
            + "JOIN pmap USING (person_id)");
        int step = STEPS_BEFORE_TABLES;
        for (StoreTable t : wanted) {
          progress.report("table", step++, steps, t.tableName());
          tables.add(copyTable(c, spec, t, salt));
        }
        // The store-to-project pseudonym map must never be sealed into the extract.
        exec(c, "DROP TABLE pmap");
        exec(c, "DETACH store");
        exec(c, "CHECKPOINT");
      }
      ExtractManifest manifest = new ExtractManifest(ExtractManifest.FORMAT_VERSION, id, sealKey,
          Instant.now().toString(), "person_id", tables);
      progress.report("sealing", steps - STEPS_AFTER_TABLES, steps, id);
      // Kept so the extract can be made again without a person who later opts out; written before
      // the manifest, so an extract's manifest always has the spec it was made from beside it.
      PrivateFiles.writeAtomically(specPath(home, id), SPEC_JSON.writeValueAsBytes(spec));
      SealedExtract.ManifestFile sealed = SealedExtract.seal(db, manifest, extracts, home.extracts());
      HolderAudit.record(home, "project.provisioned", java.util.Map.of("project", id, "persons", persons,
          "keyId", sealKey, "sealedSha256", sealed.sealedSha256(), "rows", tables.stream()
              .collect(Collectors.toMap(ExtractManifest.Table::name, ExtractManifest.Table::rowCount))));
      progress.report("sealed", steps, steps, id);
      return new Result(id, persons, manifest, (System.nanoTime() - start) / 1_000_000, false);
    } catch (SQLException | GeneralSecurityException | IOException | RuntimeException e) {
      HolderAudit.record(home, "project.provision-failed", java.util.Map.of("project", id,
          "error", String.valueOf(e.getMessage())));
      throw e instanceof ProjectException pe ? pe
          : new ProjectException("provisioning " + id + " failed: " + e.getMessage(), e);
    }
  }

  static String cohortSql(ProjectSpec spec) {
    List<String> where = new ArrayList<>();
    ProjectSpec.Cohort cohort = spec.cohort();
    if (cohort != null && !cohort.prefixes().isEmpty()) {
      String period = spec.period() == null ? "" : periodFilter(spec, "d.diagnosis_date");
      where.add("p.person_id IN (SELECT d.person_id FROM store.diagnosis d WHERE ("
          + cohort.prefixes().stream().map(x -> "starts_with(d.icd10, " + literal(x) + ")")
          .collect(Collectors.joining(" OR ")) + ")" + (period.isEmpty() ? "" : " AND " + period) + ")");
    }
    if (cohort != null && cohort.sex() != null) {
      where.add("p.sex = " + literal(cohort.sex()));
    }
    if (cohort != null && cohort.bornFrom() != null) {
      where.add("p.birth_date >= DATE " + literal(cohort.bornFrom().toString()));
    }
    if (cohort != null && cohort.bornTo() != null) {
      where.add("p.birth_date <= DATE " + literal(cohort.bornTo().toString()));
    }
    return "SELECT p.person_id FROM store.patient p" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
  }

  private static String periodFilter(ProjectSpec spec, String column) {
    List<String> parts = new ArrayList<>();
    if (spec.period().from() != null) {
      parts.add(column + " >= DATE " + literal(spec.period().from().toString()));
    }
    if (spec.period().to() != null) {
      parts.add(column + " <= DATE " + literal(spec.period().to().toString()));
    }
    return String.join(" AND ", parts);
  }

  /** Store pseudonym → project pseudonym, "Q" + 64 bits of the project's PRF. */
  private static long mapPersons(Connection c, Prf prf) throws SQLException, GeneralSecurityException {
    exec(c, "CREATE TABLE pmap (person_id VARCHAR, project_person_id VARCHAR)");
    long n = 0;
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT person_id FROM cohort");
        DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "pmap")) {
      while (r.next()) {
        String p = r.getString(1);
        app.beginRow().append(p).append(StoreBuilder.pseudonym("Q", prf, p.getBytes(StandardCharsets.UTF_8))).endRow();
        n++;
      }
    }
    return n;
  }

  private static ExtractManifest.Table copyTable(Connection c, ProjectSpec spec, StoreTable t, String salt) {
    List<StoreTable.StoreColumn> cols = spec.columnsOf(t);
    String idColumn = t.idColumn().orElse(null);
    String select = cols.stream().map(col -> {
      String n = col.name();
      if (n.equals("person_id")) {
        return "pmap.project_person_id AS person_id";
      }
      if (n.equals("encounter_id")) {
        return "emap.project_encounter_id AS encounter_id";
      }
      if (n.equals(idColumn)) {
        return "row_number() OVER (ORDER BY md5(" + literal(salt) + " || x." + n + ")) AS " + n;
      }
      return "x." + n;
    }).collect(Collectors.joining(", "));
    boolean hasEncounter = t.columns().stream().anyMatch(col -> col.name().equals("encounter_id"));
    String period = spec.period() == null || t.periodColumn().isEmpty() ? ""
        : periodFilter(spec, "x." + t.periodColumn().get());
    exec(c, "CREATE TABLE " + t.tableName() + " AS SELECT " + select + " FROM store." + t.tableName() + " x "
        + "JOIN pmap ON pmap.person_id = x.person_id"
        + (hasEncounter ? " LEFT JOIN emap ON emap.encounter_id = x.encounter_id" : "")
        + (period.isEmpty() ? "" : " WHERE " + period));
    long rows = queryLong(c, "SELECT count(*) FROM " + t.tableName());
    return new ExtractManifest.Table(t.tableName(), rows, cols.stream()
        .map(col -> new ExtractManifest.Column(col.name(), col.type(), col.sensitivity())).toList());
  }
}
