package jp.enclave.pseudonymizer.optout;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The seam to the register of released outputs (kept by the enclave server, which does not exist
 * yet): for a project, what was released, from which gateway queries, and, where the release
 * recorded them, the project pseudonyms it was computed from. An opt-out lists the releases of
 * each affected project for the steward: those naming the person, and those that cannot say.
 */
@FunctionalInterface
public interface ReleasedOutputs {
  /** One released item; {@code persons} is empty when the release did not record its pseudonyms. */
  record Item(String releaseId, String projectId, String releasedOn, List<String> queryIds, List<String> persons) {
    public Item {
      queryIds = queryIds == null ? List.of() : List.copyOf(queryIds);
      persons = persons == null ? List.of() : List.copyOf(persons);
    }
  }

  List<Item> of(String projectId);

  /** No release register yet: nothing released. */
  static ReleasedOutputs none() {
    return projectId -> List.of();
  }

  /** A JSON list of {@link Item}s, as the release register exports it. */
  static ReleasedOutputs fromFile(Path json) {
    List<Item> items;
    try {
      items = new ObjectMapper().readValue(json.toFile(), new TypeReference<List<Item>>() {});
    } catch (IOException e) {
      throw new OptOutException("released-outputs list " + json + " is unreadable: " + e.getMessage(), e);
    }
    return projectId -> items.stream().filter(i -> projectId.equals(i.projectId())).toList();
  }
}
