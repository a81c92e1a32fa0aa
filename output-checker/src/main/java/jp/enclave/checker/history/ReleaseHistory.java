package jp.enclave.checker.history;

import java.util.List;

/** Everything already released for a project. The enclave server's release store implements it. */
public interface ReleaseHistory {
  List<ReleasedTable> released(String projectId);

  static ReleaseHistory none() {
    return projectId -> List.of();
  }
}
