package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.onsite.OnsiteService;
import jp.enclave.server.onsite.Visit;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;
import jp.enclave.server.sessions.SessionKind;
import jp.enclave.server.sessions.SessionService;

/**
 * A researcher's onsite visits: book one, cancel it, and, at the terminal staff checked them in
 * at, open the onsite session (the request's address and the terminal's cookie decide).
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class VisitsPage {
  @Inject
  OnsiteService onsite;
  @Inject
  SessionService sessions;
  @Inject
  RegistryService registry;
  @Inject
  PortalUser user;

  private final RegistryPage.Form booking = new RegistryPage.Form();
  private SessionService.Opened opened;
  private List<Visit> mine;
  private List<Project> projects;

  public String book() {
    return change(() -> {
      Visit v = onsite.bookVisit(user.caller(), booking.text("projectId"), booking.text("centerId"), booking.date("day"));
      Feedback.done("done.visitBooked", v.projectId(), v.day());
    });
  }

  public String cancel(String visitId) {
    return change(() -> {
      onsite.cancel(user.caller(), visitId);
      Feedback.done("done.visitCancelled", visitId);
    });
  }

  public String openSession(String visitId) {
    return change(() -> {
      Visit v = onsite.own(user.caller(), visitId);
      opened = sessions.open(user.caller(), sessions.book(user.caller(), v.projectId(), SessionKind.ONSITE).id());
    });
  }

  private String change(Runnable r) {
    RegistryPage.act(r);
    mine = null;
    return null;
  }

  public RegistryPage.Form getBooking() {
    return booking;
  }

  public SessionService.Opened getOpened() {
    return opened;
  }

  public List<Visit> getMine() {
    if (mine == null) {
      mine = RegistryPage.read(() -> onsite.myVisits(user.caller()));
    }
    return mine;
  }

  public List<Project> getProjects() {
    if (projects == null) {
      projects = RegistryPage.read(() -> registry.projectsOf(user.caller()));
    }
    return projects;
  }

  public List<String> getCenters() {
    return onsite.centers();
  }
}
