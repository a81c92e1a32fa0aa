package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.security.SecurityService;

/** The auditor's security review: refused queries, failed logins, revocations, changes, alerts to acknowledge. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class SecurityPage {
  @Inject
  SecurityService security;
  @Inject
  PortalUser user;

  private String note;
  private SecurityService.View view;

  public String acknowledge(String alertId) {
    RegistryPage.act(() -> {
      security.acknowledge(user.caller(), alertId, note);
      Feedback.done("done.acknowledged", alertId);
    });
    view = null;
    return null;
  }

  public SecurityService.View getView() {
    if (view == null) {
      try {
        security.evaluate();
        view = security.view(user.caller(), 24);
      } catch (Refusal r) {
        Feedback.refused(r);
        view = new SecurityService.View(null, Map.of(), List.of(), Map.of(), List.of(), null, List.of(), List.of(),
            List.of(), List.of());
      }
    }
    return view;
  }

  public String getNote() {
    return note;
  }

  public void setNote(String note) {
    this.note = note;
  }
}
