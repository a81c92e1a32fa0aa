package jp.enclave.pseudonymizer.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ProjectException;
import jp.enclave.pseudonymizer.source.CodeList;
import jp.enclave.pseudonymizer.source.Column;
import jp.enclave.pseudonymizer.source.SourceTable;
import jp.enclave.pseudonymizer.store.StoreTable;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * The holder zone's report of its data assets and its data dictionary, for the enclave server's
 * registry: every source delivery received, every store build, every extract current and past,
 * each with its owner, legal basis and retention; and the store's tables, columns, types,
 * sensitivity labels and code systems. Built from the holder's own metadata only (the audit
 * trail, manifests, file sizes and times, the schema tables in code): no data value, no key, no
 * name of a patient ever enters it.
 */
public final class HolderInventory {
  public static final int FORMAT = 1;

  /** A text in both of the portal's languages. */
  public record Text(String ja, String en) {}

  /**
   * What the holder states for each kind of asset: who owns it, under which legal basis it is
   * held, and how long it is kept. One table, so the registry shows the same words for all.
   */
  public enum AssetKind {
    SOURCE_DELIVERY("source-delivery",
        new Text("提供元の医療情報取扱事業者（病院）", "the delivering hospitals (medical information handlers)"),
        new Text("次世代医療基盤法：医療情報取扱事業者から認定作成事業者への提供（本人への通知・提供停止の求め）",
            "Next Generation Medical Infrastructure Act: provision by a medical information handler to the "
                + "certified creator (notice to the patient, opt-out)"),
        new Text("保持者ゾーンのみ。次の提供で置き換え、仮名加工の後は再作成のためにのみ保持",
            "holder zone only; replaced by the next delivery, kept only to rebuild the store")),
    STORE_BUILD("store-build",
        new Text("認定作成事業者（データ保持者）", "the certified creator (data holder)"),
        new Text("次世代医療基盤法：認定作成事業者による仮名加工医療情報の作成",
            "Next Generation Medical Infrastructure Act: creation of pseudonymized medical information by the "
                + "certified creator"),
        new Text("認定の期間中。次の構築で置き換え（封印、保持者の鍵のみ）",
            "while the certification lasts; replaced by the next build (sealed, holder key only)")),
    EXTRACT("extract",
        new Text("承認されたプロジェクト（利活用者）", "the approved project (certified user)"),
        new Text("次世代医療基盤法：認定利活用者への仮名加工医療情報の提供（委員会の承認）",
            "Next Generation Medical Infrastructure Act: provision of pseudonymized medical information to a "
                + "certified user (committee approval)"),
        new Text("プロジェクトの承認期間の終了まで。終了時に鍵を破棄（暗号消去）",
            "until the project's approval ends; then its keys are destroyed (crypto-shredding)"));

    private final String wire;
    private final Text owner;
    private final Text legalBasis;
    private final Text retention;

    AssetKind(String wire, Text owner, Text legalBasis, Text retention) {
      this.wire = wire;
      this.owner = owner;
      this.legalBasis = legalBasis;
      this.retention = retention;
    }

    public String wire() {
      return wire;
    }
  }

  /**
   * The code systems a store column's values come from, with the source code list that checks
   * them at ingest. Columns without one carry free values (dates, numbers, names).
   */
  public enum CodeSystem {
    ICD10(CodeList.ICD10, "ICD-10", new Text("ICD-10（国際疾病分類 第10版, 2013年版）", "ICD-10 (2013 version)")),
    YJ(CodeList.DRUG, "YJ", new Text("YJコード（個別医薬品コード）", "YJ code (Japanese drug code)")),
    JLAC10(CodeList.LAB, "JLAC10", new Text("JLAC10（臨床検査項目分類コード）", "JLAC10 (Japanese laboratory test code)")),
    ALLERGEN(CodeList.ALLERGEN, "allergen", new Text("アレルゲンコード", "allergen code")),
    FACILITY(CodeList.HOSPITAL, "facility", new Text("医療機関コード", "facility (hospital) code")),
    SEX(CodeList.SEX, "sex", new Text("性別（M/F）", "sex (M/F)")),
    ENCOUNTER_TYPE(CodeList.ENCOUNTER_TYPE, "encounter-type", new Text("受診区分", "encounter type")),
    ROUTE(CodeList.ROUTE, "route", new Text("投与経路", "route of administration"));

    private final CodeList list;
    private final String id;
    private final Text name;

    CodeSystem(CodeList list, String id, Text name) {
      this.list = list;
      this.id = id;
      this.name = name;
    }

    static Optional<CodeSystem> of(CodeList l) {
      return Stream.of(values()).filter(c -> c.list == l).findFirst();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private HolderInventory() {}

  /** The whole report as a JSON tree (what {@code inventory --json} prints). */
  public static Map<String, Object> report(HolderHome home) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format", FORMAT);
    out.put("generatedAt", Instant.now().toString());
    List<Map<String, Object>> assets = new ArrayList<>();
    assets.addAll(sourceDeliveries(home));
    List<JsonNode> audit = auditEntries(home);
    assets.addAll(storeBuilds(home, audit));
    assets.addAll(extracts(home, audit));
    out.put("assets", assets);
    out.put("dictionary", dictionary());
    return out;
  }

  private static Map<String, Object> asset(AssetKind kind, String id, String name, String status, String at) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("id", id);
    a.put("kind", kind.wire);
    a.put("name", name);
    a.put("status", status);
    a.put("at", at);
    a.put("owner", kind.owner);
    a.put("legalBasis", kind.legalBasis);
    a.put("retention", kind.retention);
    return a;
  }

  /** The source files as they are now (one delivery per file), with the last ingest's counts. */
  static List<Map<String, Object>> sourceDeliveries(HolderHome home) {
    JsonNode files = readJson(home.reports().resolve("pipeline.json")).map(r -> r.path("ingest").path("files"))
        .orElse(JSON.missingNode());
    List<Map<String, Object>> out = new ArrayList<>();
    for (SourceTable t : SourceTable.values()) {
      Path f = home.source().resolve(t.fileName());
      if (!Files.exists(f)) {
        continue;
      }
      try {
        String received = Files.getLastModifiedTime(f).toInstant().toString();
        Map<String, Object> a = asset(AssetKind.SOURCE_DELIVERY, "source:" + t.fileName() + "@" + received,
            t.fileName(), "current", received);
        a.put("bytes", Files.size(f));
        JsonNode c = files.path(t.name());
        if (!c.isMissingNode()) {
          a.put("records", Map.of("input", c.path("input").asLong(), "accepted", c.path("accepted").asLong(),
              "quarantined", c.path("quarantined").asLong(), "optedOut", c.path("optedOut").asLong()));
        }
        out.add(a);
      } catch (IOException e) {
        throw new ProjectException("cannot read the metadata of " + f + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Every pipeline run that built a store; the last one is the current store. */
  static List<Map<String, Object>> storeBuilds(HolderHome home, List<JsonNode> audit) {
    List<JsonNode> builds = audit.stream().filter(e -> e.path("event").asText().equals("pipeline.completed")).toList();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < builds.size(); i++) {
      JsonNode e = builds.get(i);
      boolean current = i == builds.size() - 1 && Files.exists(home.store());
      Map<String, Object> a = asset(AssetKind.STORE_BUILD, "store@" + e.path("at").asText(), "store",
          current ? "current" : "replaced", e.path("at").asText());
      a.put("persons", e.path("data").path("persons").asLong());
      a.put("rows", e.path("data").path("storeRows").asLong());
      a.put("quarantined", e.path("data").path("quarantined").asLong());
      a.put("optedOut", e.path("data").path("optedOut").asLong());
      out.add(a);
    }
    return out;
  }

  /**
   * Every extract ever provisioned: current when its manifest's seal digest is the one provisioned,
   * deleted when a deletion followed, replaced when provisioned again.
   */
  static List<Map<String, Object>> extracts(HolderHome home, List<JsonNode> audit) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Map<String, Object>> latest = new LinkedHashMap<>();
    for (JsonNode e : audit) {
      String event = e.path("event").asText();
      String project = e.path("data").path("project").asText();
      if (event.equals("project.provisioned")) {
        Map<String, Object> previous = latest.get(project);
        if (previous != null && previous.get("status").equals("current")) {
          previous.put("status", "replaced");
        }
        Map<String, Object> a = asset(AssetKind.EXTRACT, "extract:" + project + "@" + e.path("at").asText(), project,
            "current", e.path("at").asText());
        a.put("project", project);
        a.put("persons", e.path("data").path("persons").asLong());
        a.put("sealedSha256", e.path("data").path("sealedSha256").asText());
        a.put("tables", JSON.convertValue(e.path("data").path("rows"), Map.class));
        out.add(a);
        latest.put(project, a);
      } else if (event.equals("project.deleted") && latest.containsKey(project)) {
        Map<String, Object> a = latest.get(project);
        a.put("status", "deleted");
        a.put("deletedAt", e.path("at").asText());
      }
    }
    for (Map<String, Object> a : latest.values()) {
      String project = (String) a.get("project");
      Path manifest = SealedExtract.manifestPath(home.extracts(), project);
      if (a.get("status").equals("current")) {
        if (!Files.exists(manifest)
            || !SealedExtract.readManifest(manifest).sealedSha256().equals(a.get("sealedSha256"))) {
          a.put("status", "missing"); // the trail says provisioned, the holder's home disagrees
        } else {
          a.put("exportedTo", ExtractExport.exportedTo(home, project).size());
        }
      }
    }
    return out;
  }

  /** The store's tables as researchers see them in extracts: columns, types, labels, code systems. */
  public static Map<String, Object> dictionary() {
    List<Map<String, Object>> tables = new ArrayList<>();
    for (StoreTable t : StoreTable.values()) {
      Map<String, Object> table = new LinkedHashMap<>();
      table.put("name", t.tableName());
      table.put("periodColumn", t.periodColumn().orElse(null));
      List<Map<String, Object>> columns = new ArrayList<>();
      for (StoreTable.StoreColumn c : t.columns()) {
        Map<String, Object> col = new LinkedHashMap<>();
        col.put("name", c.name());
        col.put("type", c.type());
        col.put("sensitivity", c.sensitivity().label());
        codeSystem(t, c.name()).ifPresent(cs -> col.put("codeSystem", cs.id));
        columns.add(col);
      }
      table.put("columns", columns);
      tables.add(table);
    }
    List<Map<String, Object>> systems = new ArrayList<>();
    for (CodeSystem cs : CodeSystem.values()) {
      systems.add(Map.of("id", cs.id, "name", cs.name));
    }
    return Map.of("tables", tables, "codeSystems", systems);
  }

  /** The code list checking the source column a store column is copied from (facility_id is the hospital). */
  static Optional<CodeSystem> codeSystem(StoreTable t, String column) {
    if (column.equals("facility_id")) {
      return Optional.of(CodeSystem.FACILITY);
    }
    String stem = t == StoreTable.PATIENT ? "patients" : t.sourceStem();
    return Stream.of(SourceTable.values()).filter(s -> s.stem().equals(stem)).findFirst()
        .flatMap(s -> s.columns().stream().filter(c -> c.name().equals(column) && c.codes() != null).findFirst())
        .map(Column::codes).flatMap(CodeSystem::of);
  }

  private static Optional<JsonNode> readJson(Path p) {
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(p.toFile()));
    } catch (IOException e) {
      throw new ProjectException("report " + p + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** The holder's trail, entry by entry (its metadata: events, counts, digests). */
  private static List<JsonNode> auditEntries(HolderHome home) {
    if (!Files.exists(home.audit())) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(home.audit())) {
      List<JsonNode> out = new ArrayList<>();
      for (String l : (Iterable<String>) lines::iterator) {
        if (!l.isBlank()) {
          out.add(JSON.readTree(l));
        }
      }
      return out;
    } catch (IOException e) {
      throw new ProjectException("the holder's audit trail " + home.audit() + " is unreadable: " + e.getMessage(), e);
    }
  }
}
