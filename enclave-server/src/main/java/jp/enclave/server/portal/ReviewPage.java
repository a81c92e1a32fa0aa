package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.airlock.AirlockService;

/**
 * A reviewer's page: the queue, then one request with the checker's report (its flagged cells and
 * suggested safe versions) in a sandboxed frame, and the vote (approve or reject, a comment, the
 * safe versions to apply). Votes of others are shown only as {@link AirlockService} lets them be.
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class ReviewPage {
  @Inject
  AirlockService airlock;
  @Inject
  PortalUser user;

  @Inject
  Locales locales;

  private String id;
  private String decision;
  private String comment;
  private List<String> safeItems = new ArrayList<>();
  private List<AirlockService.View> queue;
  private AirlockService.View current;
  private String report;

  public String vote() {
    RegistryPage.act(() -> {
      airlock.vote(user.caller(), id, "approve".equals(decision), comment,
          safeItems == null ? Set.of() : Set.copyOf(safeItems));
      Feedback.done("done.voted", id);
    });
    queue = null;
    current = null;
    return null;
  }

  public List<AirlockService.View> getQueue() {
    if (queue == null) {
      queue = RegistryPage.read(() -> airlock.queue(user.caller()));
    }
    return queue;
  }

  public AirlockService.View getCurrent() {
    if (current == null && id != null && !id.isBlank()) {
      List<AirlockService.View> one = RegistryPage.read(() -> List.of(airlock.get(user.caller(), id)));
      current = one.isEmpty() ? null : one.get(0);
    }
    return current;
  }

  /**
   * The checker's report in the portal's language (it writes English and Japanese), shown in a
   * sandboxed iframe (srcdoc): its own styles, no scripts, no requests.
   */
  public String getReport() {
    if (report == null && getCurrent() != null) {
      List<String> r = RegistryPage.read(() -> List.of(airlock.report(user.caller(), id, locales.getLanguage())));
      report = r.isEmpty() ? "" : r.get(0);
    }
    return report;
  }

  /** The items for which the checker suggested a safe version (the reviewer may apply it). */
  public List<jp.enclave.server.airlock.ExportItem> getSafeCandidates() {
    return getCurrent() == null ? List.of()
        : getCurrent().request().items().stream().filter(jp.enclave.server.airlock.ExportItem::hasSafeVersion).toList();
  }

  public boolean isVoted() {
    return getCurrent() != null && getCurrent().request().votes().stream()
        .anyMatch(v -> v.reviewer().equals(user.caller().subject()));
  }

  /**
   * The request a postback acts on. A form posts the id as a plain parameter and it is read here,
   * before Faces decodes the form: the forms sit in fragments rendered only when the request is
   * known, and a request-scoped bean would otherwise meet them with no id, skip decoding them and
   * drop the action silently (why "add item" did nothing in Chromium).
   */
  @jakarta.annotation.PostConstruct
  void idFromRequest() {
    jakarta.faces.context.FacesContext fc = jakarta.faces.context.FacesContext.getCurrentInstance();
    if (fc != null) {
      String posted = fc.getExternalContext().getRequestParameterMap().get("id");
      if (posted != null && !posted.isBlank()) {
        id = posted;
      }
    }
  }

  public String getId() { return id; }
  public void setId(String id) { this.id = id; }
  public String getDecision() { return decision; }
  public void setDecision(String decision) { this.decision = decision; }
  public String getComment() { return comment; }
  public void setComment(String comment) { this.comment = comment; }
  public List<String> getSafeItems() { return safeItems; }
  public void setSafeItems(List<String> safeItems) { this.safeItems = safeItems; }
}
