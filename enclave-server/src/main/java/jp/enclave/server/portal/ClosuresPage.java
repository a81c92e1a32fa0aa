package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.closure.Closure;
import jp.enclave.server.closure.ClosureResource;
import jp.enclave.server.closure.ClosureService;

/**
 * Project end in the portal: a steward ends a project from the registry's project list (cause and
 * reason), and stewards and auditors see every end with its archive and deletion certificate on
 * {@code portal/closures.xhtml}. The same service as the API.
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class ClosuresPage {
  @Inject
  ClosureService closures;
  @Inject
  PortalUser user;

  private final Map<String, String> reasons = new HashMap<>();
  private final Map<String, String> causes = new HashMap<>();
  private List<Map<String, Object>> all;
  private Map<String, String> states;

  public Map<String, String> getReasons() {
    return reasons;
  }

  public Map<String, String> getCauses() {
    return causes;
  }

  /** Every closure as the API shows it (certificate included). */
  public List<Map<String, Object>> getAll() {
    if (all == null) {
      all = RegistryPage.read(() -> closures.all(user.caller()).stream().map(ClosureResource::view).toList());
    }
    return all;
  }

  /** Each project's closure state (lower case), for the registry's list; absent for an active project. */
  public Map<String, String> getStates() {
    if (states == null) {
      states = new HashMap<>();
      for (Map<String, Object> c : getAll()) {
        states.put((String) c.get("projectId"), (String) c.get("state"));
      }
    }
    return states;
  }

  public String close(String projectId) {
    RegistryPage.act(() -> {
      Closure c = closures.close(user.caller(), projectId, causes.getOrDefault(projectId, "closed"),
          reasons.get(projectId));
      Feedback.done("done.closure", c.projectId(), c.sessionsEnded());
    });
    all = null;
    states = null;
    return null;
  }

  public String retry(String projectId) {
    RegistryPage.act(() -> {
      closures.retry(user.caller(), projectId);
      Feedback.done("done.closureRetry", projectId);
    });
    all = null;
    states = null;
    return null;
  }
}
