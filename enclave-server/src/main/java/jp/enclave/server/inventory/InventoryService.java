package jp.enclave.server.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;

/**
 * The registry's data inventory and data dictionary, imported from the holder zone's report
 * ({@code pseudonymizer inventory --json}). An import is checked against the report's shape
 * field by field: only the metadata fields below are accepted, so a report that carried anything
 * else (a value, a name) is refused whole, with every problem named.
 */
public final class InventoryService {
  /** The fields an asset may carry besides its identity and its owner, legal basis and retention. */
  static final Set<String> FACT_FIELDS = Set.of("bytes", "records", "persons", "rows", "quarantined", "optedOut",
      "project", "sealedSha256", "tables", "exportedTo", "deletedAt");
  static final Set<String> KINDS = Set.of("source-delivery", "store-build", "extract");
  static final Set<String> STATUSES = Set.of("current", "replaced", "deleted", "missing");
  static final Set<String> SENSITIVITIES = Set.of("pseudonym", "quasi_identifier", "clinical", "free_text", "facility");
  static final int MAX_BYTES = 4 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InventoryStore store;
  private final Access access;
  private final AuditTrail audit;
  private final Clock clock;

  public InventoryService(InventoryStore store, Access access, AuditTrail audit, Clock clock) {
    this.store = store;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** {@code changed}: false when the report is the one imported last (nothing new is stored). */
  public record Imported(InventoryReport report, boolean changed) {}

  /** A steward imports a report the holder zone produced elsewhere (e.g. on its own machine). */
  public Imported importReport(Caller c, String json) {
    access.requireManageRegistry(c);
    return store(c.subject(), json);
  }

  /**
   * A steward asks for the holder's current report: access is checked before the holder's
   * pipeline is asked ({@code holder} runs {@code inventory --json}).
   */
  public Imported refresh(Caller c, java.util.function.Supplier<String> holder) {
    access.requireManageRegistry(c);
    String json;
    try {
      json = holder.get();
    } catch (RuntimeException e) {
      throw Refusals.provisioningUnavailable(e.getMessage());
    }
    return store(c.subject(), json);
  }

  /** The server imports the report of the holder's pipeline it ran (at start, after provisioning). */
  public Imported importFromHolder(String json) {
    return store(Caller.SYSTEM.subject(), json);
  }

  public Optional<InventoryReport> inventory(Caller c) {
    access.requireViewInventory(c);
    return store.latest().map(InventoryService::parse);
  }

  public InventoryReport.Dictionary dictionary(Caller c) {
    access.requireReadDataDictionary(c);
    return store.latest().map(s -> parse(s).dictionary()).orElse(InventoryReport.Dictionary.EMPTY);
  }

  private Imported store(String by, String json) {
    List<String> problems = problems(json);
    if (!problems.isEmpty()) {
      throw Refusals.invalid("inventory", problems);
    }
    String sha = sha256(json);
    Optional<InventoryStore.Stored> latest = store.latest();
    if (latest.isPresent() && sameContent(latest.get().report(), json)) {
      return new Imported(parse(latest.get()), false);
    }
    InventoryStore.Stored s = store.insert(clock.instant(), by, sha, json);
    InventoryReport r = parse(s);
    Map<String, Object> counts = new LinkedHashMap<>();
    for (InventoryReport.Asset a : r.assets()) {
      counts.merge(a.kind() + ":" + a.status(), 1, (x, y) -> (Integer) x + (Integer) y);
    }
    audit.record(by, "inventory.imported", "inventory/" + s.id(), Map.of("sha256", sha, "assets", counts,
        "tables", r.dictionary().tables().size()));
    return new Imported(r, true);
  }

  /** Same report apart from when it was generated. */
  private static boolean sameContent(String a, String b) {
    try {
      JsonNode x = JSON.readTree(a);
      JsonNode y = JSON.readTree(b);
      ((com.fasterxml.jackson.databind.node.ObjectNode) x).remove("generatedAt");
      ((com.fasterxml.jackson.databind.node.ObjectNode) y).remove("generatedAt");
      return x.equals(y);
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** Every problem of a report, or none. */
  static List<String> problems(String json) {
    List<String> out = new ArrayList<>();
    if (json == null || json.isBlank()) {
      out.add("the report is empty");
      return out;
    }
    if (json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      out.add("the report is larger than " + (MAX_BYTES >> 20) + " MB");
      return out;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      out.add("not JSON (" + e.getOriginalMessage() + ")");
      return out;
    }
    if (root == null || !root.isObject()) {
      out.add("the report must be a JSON object");
      return out;
    }
    if (root.path("format").asInt() != 1) {
      out.add("format: 1 expected, is " + root.path("format"));
    }
    if (!root.path("assets").isArray()) {
      out.add("assets: a list is required");
    } else {
      int i = 0;
      for (JsonNode a : root.path("assets")) {
        assetProblems(out, "assets[" + i++ + "]", a);
      }
    }
    JsonNode tables = root.path("dictionary").path("tables");
    if (!tables.isArray()) {
      out.add("dictionary.tables: a list is required");
    } else {
      int i = 0;
      for (JsonNode t : tables) {
        String where = "dictionary.tables[" + i++ + "]";
        if (!t.path("name").isTextual()) {
          out.add(where + ".name is required");
        }
        int j = 0;
        for (JsonNode c : t.path("columns")) {
          String w = where + ".columns[" + j++ + "]";
          if (!c.path("name").isTextual() || !c.path("type").isTextual()) {
            out.add(w + ": name and type are required");
          }
          if (!SENSITIVITIES.contains(c.path("sensitivity").asText())) {
            out.add(w + ".sensitivity '" + c.path("sensitivity").asText() + "' is not one of " + SENSITIVITIES);
          }
        }
      }
    }
    return out;
  }

  private static void assetProblems(List<String> out, String where, JsonNode a) {
    if (!a.isObject()) {
      out.add(where + ": must be an object");
      return;
    }
    if (!a.path("id").isTextual() || a.path("id").asText().length() > 200) {
      out.add(where + ".id is required (at most 200 characters)");
    }
    if (!KINDS.contains(a.path("kind").asText())) {
      out.add(where + ".kind '" + a.path("kind").asText() + "' is not one of " + KINDS);
    }
    if (!STATUSES.contains(a.path("status").asText())) {
      out.add(where + ".status '" + a.path("status").asText() + "' is not one of " + STATUSES);
    }
    for (String f : List.of("owner", "legalBasis", "retention")) {
      if (!a.path(f).path("ja").isTextual() || !a.path(f).path("en").isTextual()) {
        out.add(where + "." + f + ": the text in Japanese and English (ja, en) is required");
      }
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!Set.of("id", "kind", "name", "status", "at", "owner", "legalBasis", "retention").contains(f)
          && !FACT_FIELDS.contains(f)) {
        out.add(where + ": unknown field '" + f + "' (an inventory carries metadata only: " + FACT_FIELDS + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  static InventoryReport parse(InventoryStore.Stored s) {
    try {
      JsonNode root = JSON.readTree(s.report());
      List<InventoryReport.Asset> assets = new ArrayList<>();
      for (JsonNode a : root.path("assets")) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (String f : FACT_FIELDS) {
          if (a.has(f)) {
            facts.put(f, JSON.convertValue(a.get(f), Object.class));
          }
        }
        assets.add(new InventoryReport.Asset(a.path("id").asText(), a.path("kind").asText(), a.path("name").asText(),
            a.path("status").asText(), a.path("at").asText(), text(a.path("owner")), text(a.path("legalBasis")),
            text(a.path("retention")), facts));
      }
      List<InventoryReport.Table> tables = new ArrayList<>();
      for (JsonNode t : root.path("dictionary").path("tables")) {
        List<InventoryReport.Column> cols = new ArrayList<>();
        for (JsonNode c : t.path("columns")) {
          cols.add(new InventoryReport.Column(c.path("name").asText(), c.path("type").asText(),
              c.path("sensitivity").asText(), c.hasNonNull("codeSystem") ? c.path("codeSystem").asText() : null));
        }
        tables.add(new InventoryReport.Table(t.path("name").asText(),
            t.hasNonNull("periodColumn") ? t.path("periodColumn").asText() : null, cols));
      }
      List<InventoryReport.CodeSystem> systems = new ArrayList<>();
      for (JsonNode c : root.path("dictionary").path("codeSystems")) {
        systems.add(new InventoryReport.CodeSystem(c.path("id").asText(), text(c.path("name"))));
      }
      Instant generated = root.hasNonNull("generatedAt") ? Instant.parse(root.path("generatedAt").asText()) : null;
      return new InventoryReport(s.id(), s.importedAt(), s.importedBy(), s.sha256(), generated, assets,
          new InventoryReport.Dictionary(tables, systems));
    } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
      throw new IllegalStateException("stored inventory report " + s.id() + " is unreadable: " + e.getMessage(), e);
    }
  }

  private static InventoryReport.Text text(JsonNode n) {
    return new InventoryReport.Text(n.path("ja").asText(""), n.path("en").asText(""));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
