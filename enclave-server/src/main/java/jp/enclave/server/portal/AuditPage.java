package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.audit.AuditChain;
import jp.enclave.server.audit.AuditEntry;
import jp.enclave.server.audit.AuditReader;

/** The auditor's page: search the server's trail, verify its chain. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class AuditPage {
  @Inject
  AuditReader reader;
  @Inject
  PortalUser user;

  private String actor;
  private String event;
  private String target;
  private List<AuditEntry> entries;
  private AuditChain.Verification verification;

  public String search() {
    entries = null;
    return null;
  }

  public String verify() {
    RegistryPage.act(() -> verification = reader.verify(user.caller()));
    entries = null;
    return null;
  }

  public List<AuditEntry> getEntries() {
    if (entries == null) {
      entries = RegistryPage.read(() -> reader.search(user.caller(), actor, event, target, 200));
    }
    return entries;
  }

  public AuditChain.Verification getVerification() {
    return verification;
  }

  public String getActor() {
    return actor;
  }

  public void setActor(String actor) {
    this.actor = actor;
  }

  public String getEvent() {
    return event;
  }

  public void setEvent(String event) {
    this.event = event;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }
}
