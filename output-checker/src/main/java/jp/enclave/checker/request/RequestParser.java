package jp.enclave.checker.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.checker.Refusal;

/**
 * Reads request.json:
 * <pre>{"request_id":"r1","project_id":"P1","researcher":"u1","items":[
 *   {"id":"t1","type":"frequency","file":"t1.csv","queries":["q-17"],
 *    "label_columns":["性別"],"measures":{"n":"count"},"comment":"…"},
 *   {"id":"f1","type":"figure","file":"f1.png","table":"f1.csv","table_type":"frequency"}]}</pre>
 */
public final class RequestParser {
  private static final long MAX_REQUEST_BYTES = 4L << 20;
  private final ObjectMapper mapper = new ObjectMapper();

  public ExportRequest parse(Path requestFile) throws Refusal {
    JsonNode root;
    try {
      if (!Files.isRegularFile(requestFile)) {
        throw new Refusal("REQUEST_NOT_FOUND", "the request file " + requestFile + " does not exist");
      }
      if (Files.size(requestFile) > MAX_REQUEST_BYTES) {
        throw new Refusal("REQUEST_TOO_LARGE", "the request file is larger than " + MAX_REQUEST_BYTES + " bytes");
      }
      root = mapper.readTree(requestFile.toFile());
    } catch (JsonProcessingException e) {
      throw new Refusal("REQUEST_NOT_JSON", "the request is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw new Refusal("REQUEST_UNREADABLE", "the request cannot be read: " + e.getClass().getSimpleName());
    }
    Path folder = requestFile.toAbsolutePath().getParent();
    return fromJson(root, folder);
  }

  public ExportRequest fromJson(JsonNode root, Path folder) throws Refusal {
    if (root == null || !root.isObject()) {
      throw new Refusal("REQUEST_SHAPE", "the request must be a JSON object");
    }
    String requestId = text(root, "request_id", "request");
    String project = text(root, "project_id", "request");
    String researcher = root.path("researcher").asText("");
    JsonNode items = root.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new Refusal("REQUEST_SHAPE", "the request needs a non-empty \"items\" array");
    }
    List<ExportItem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int index = 0;
    for (JsonNode it : items) {
      String where = "items[" + index++ + "]";
      if (!it.isObject()) {
        throw new Refusal("REQUEST_SHAPE", where + " must be an object");
      }
      String id = text(it, "id", where);
      if (!id.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new Refusal("REQUEST_SHAPE", where + ".id must be 1-64 letters, digits, '_', '.' or '-'");
      }
      if (!ids.add(id)) {
        throw new Refusal("REQUEST_SHAPE", where + ".id '" + id + "' is used twice");
      }
      ItemType type = ItemType.parse(text(it, "type", where));
      if (type == null) {
        throw new Refusal("REQUEST_SHAPE", where + ".type must be one of frequency, magnitude, regression, "
            + "survival, figure, code, text");
      }
      String file = text(it, "file", where);
      String table = it.hasNonNull("table") ? it.get("table").asText() : null;
      ItemType tableType = it.hasNonNull("table_type") ? ItemType.parse(it.get("table_type").asText()) : null;
      if (it.hasNonNull("table_type") && (tableType == null || !tableType.isTable())) {
        throw new Refusal("REQUEST_SHAPE", where + ".table_type must be frequency or magnitude");
      }
      List<String> queries = strings(it.get("queries"), where + ".queries");
      List<String> labels = it.has("label_columns") ? strings(it.get("label_columns"), where + ".label_columns") : null;
      Map<String, String> measures = null;
      if (it.hasNonNull("measures")) {
        if (!it.get("measures").isObject()) {
          throw new Refusal("REQUEST_SHAPE", where + ".measures must map column names to kinds");
        }
        measures = new LinkedHashMap<>();
        var fields = it.get("measures").fields();
        while (fields.hasNext()) {
          var f = fields.next();
          measures.put(f.getKey(), f.getValue().asText());
        }
      }
      out.add(new ExportItem(id, type, file, table, tableType, queries, labels, measures, it.path("comment").asText("")));
    }
    return new ExportRequest(requestId, project, researcher, folder, out);
  }

  private static String text(JsonNode n, String field, String where) throws Refusal {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new Refusal("REQUEST_SHAPE", where + "." + field + " must be a non-empty string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode n, String where) throws Refusal {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new Refusal("REQUEST_SHAPE", where + " must be an array of strings");
    }
    for (JsonNode v : n) {
      if (!v.isTextual()) {
        throw new Refusal("REQUEST_SHAPE", where + " must be an array of strings");
      }
      out.add(v.asText());
    }
    return out;
  }
}
