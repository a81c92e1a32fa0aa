package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.audit.Times;
import jp.enclave.server.audit.TrailCheck;
import jp.enclave.server.audit.TrailEntry;
import jp.enclave.server.audit.ZoneAudit;

/**
 * The auditor's page: every zone's trail (the server's chain and each zone's JSONL file) searched
 * by zone, user, project, event and time; all chains verified, each zone also against the heads
 * the server witnessed; witnessing on demand.
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class AuditPage {
  @Inject
  ZoneAudit zones;
  @Inject
  PortalUser user;

  private String zone;
  private String actor;
  private String project;
  private String event;
  private String from;
  private String to;
  private List<TrailEntry> entries;
  private ZoneAudit.Verification verification;
  private List<TrailCheck.ZoneVerification> witnessed;

  public String search() {
    entries = null;
    return null;
  }

  public String verify() {
    RegistryPage.act(() -> verification = zones.verify(user.caller()));
    entries = null;
    return null;
  }

  public String witness() {
    RegistryPage.act(() -> {
      witnessed = zones.witness(user.caller());
      Feedback.done("done.witnessed", witnessed.size());
    });
    entries = null;
    return null;
  }

  public List<TrailEntry> getEntries() {
    if (entries == null) {
      entries = RegistryPage.read(() -> zones.search(user.caller(),
          new ZoneAudit.Filter(zone, actor, project, event, Times.start(from, "from"), Times.end(to, "to"), 300)));
    }
    return entries;
  }

  public List<String> getZones() {
    return RegistryPage.read(() -> zones.zoneNames(user.caller()));
  }

  public ZoneAudit.Verification getVerification() {
    return verification;
  }

  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
  }

  public String getActor() {
    return actor;
  }

  public void setActor(String actor) {
    this.actor = actor;
  }

  public String getProject() {
    return project;
  }

  public void setProject(String project) {
    this.project = project;
  }

  public String getEvent() {
    return event;
  }

  public void setEvent(String event) {
    this.event = event;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }
}
