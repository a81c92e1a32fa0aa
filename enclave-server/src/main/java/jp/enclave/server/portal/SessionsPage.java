package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;
import jp.enclave.server.sessions.Session;
import jp.enclave.server.sessions.SessionKind;
import jp.enclave.server.sessions.SessionService;

/** A researcher's sessions: book on a project, open (shows the gateway token and JDBC URL), end. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class SessionsPage {
  @Inject
  SessionService sessions;
  @Inject
  RegistryService registry;
  @Inject
  PortalUser user;

  private SessionService.Opened opened;
  private List<Session> mine;
  private List<Project> projects;

  public String book(String projectId) {
    return change(() -> {
      Session s = sessions.book(user.caller(), projectId, SessionKind.REMOTE);
      Feedback.done("done.booked", s.projectId());
    });
  }

  public String open(String sessionId) {
    return change(() -> opened = sessions.open(user.caller(), sessionId));
  }

  /** A fresh token for an open session (the API's renew): the connection box shows it. */
  public String renew(String sessionId) {
    return change(() -> {
      opened = sessions.renew(user.caller(), sessionId);
      Feedback.done("done.renewed", sessionId);
    });
  }

  public String end(String sessionId) {
    return change(() -> {
      sessions.end(user.caller(), sessionId, null);
      Feedback.done("done.ended", sessionId);
    });
  }

  private String change(Runnable action) {
    RegistryPage.act(action);
    mine = null;
    return null;
  }

  public SessionService.Opened getOpened() {
    return opened;
  }

  public List<Session> getMine() {
    if (mine == null) {
      mine = RegistryPage.read(() -> sessions.mine(user.caller()));
    }
    return mine;
  }

  public List<Project> getProjects() {
    if (projects == null) {
      projects = RegistryPage.read(() -> registry.projectsOf(user.caller()));
    }
    return projects;
  }
}
