package jp.enclave.server.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** A list of strings kept in one text column as a JSON array (pseudonyms, approvers, query ids, safe items). */
public final class JsonLists {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLists() {}

  public static String write(List<String> l) {
    try {
      return JSON.writeValueAsString(l);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The column's list; {@code where} names the table for the error of a value that is not one. */
  public static List<String> read(String json, String where) {
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable JSON list in " + where, e);
    }
  }
}
