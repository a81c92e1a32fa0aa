package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.onsite.IdentityDocuments;
import jp.enclave.server.onsite.OnsiteService;
import jp.enclave.server.onsite.Terminal;
import jp.enclave.server.onsite.Visit;

/** The onsite staff's desk: register and retire terminals, today's visits, check-in and check-out. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class OnsitePage {
  @Inject
  OnsiteService onsite;
  @Inject
  PortalUser user;

  private final RegistryPage.Form terminal = new RegistryPage.Form();
  private final Map<String, String> checkInTerminal = new HashMap<>();
  private final Map<String, String> checkInDocument = new HashMap<>();
  private String retireReason;
  private OnsiteService.Registered registered;
  private List<Terminal> terminals;
  private List<Visit> visits;

  public String register() {
    return change(() -> {
      registered = onsite.registerTerminal(user.caller(), terminal.text("id"), terminal.text("centerId"),
          terminal.text("location"), terminal.text("address"));
      Feedback.done("done.terminal", registered.terminal().id());
    });
  }

  public String retire(String id) {
    return change(() -> {
      onsite.retireTerminal(user.caller(), id, retireReason);
      Feedback.done("done.terminalRetired", id);
    });
  }

  public String checkIn(String visitId) {
    return change(() -> {
      Visit v = onsite.checkIn(user.caller(), visitId, checkInTerminal.get(visitId), checkInDocument.get(visitId));
      Feedback.done("done.checkedIn", v.subject(), v.terminalId());
    });
  }

  public String checkOut(String visitId) {
    return change(() -> {
      onsite.checkOut(user.caller(), visitId);
      Feedback.done("done.checkedOut", visitId);
    });
  }

  private String change(Runnable r) {
    RegistryPage.act(r);
    terminals = null;
    visits = null;
    return null;
  }

  public RegistryPage.Form getTerminal() {
    return terminal;
  }

  public Map<String, String> getCheckInTerminal() {
    return checkInTerminal;
  }

  public Map<String, String> getCheckInDocument() {
    return checkInDocument;
  }

  public String getRetireReason() {
    return retireReason;
  }

  public void setRetireReason(String r) {
    retireReason = r;
  }

  public OnsiteService.Registered getRegistered() {
    return registered;
  }

  public List<Terminal> getTerminals() {
    if (terminals == null) {
      terminals = RegistryPage.read(() -> onsite.terminals(user.caller()));
    }
    return terminals;
  }

  public List<Terminal> getActiveTerminals() {
    return getTerminals().stream().filter(Terminal::active).toList();
  }

  public List<Visit> getVisits() {
    if (visits == null) {
      visits = RegistryPage.read(() -> onsite.visitsOn(user.caller(), null));
    }
    return visits;
  }

  public List<String> getDocuments() {
    return IdentityDocuments.ACCEPTED;
  }
}
