package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.registry.CertificationType;
import jp.enclave.server.registry.Organisation;
import jp.enclave.server.registry.Person;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;
import jp.enclave.server.registry.Training;
import jp.enclave.server.sessions.Session;
import jp.enclave.server.sessions.SessionService;

/** The steward's registry page: the same domain services as the API, so no form can do what the API refuses. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class RegistryPage {
  @Inject
  RegistryService registry;
  @Inject
  SessionService sessions;
  @Inject
  PortalUser user;

  private final Form org = new Form();
  private final Form person = new Form();
  private final Form training = new Form();
  private final Form center = new Form();
  private final Form project = new Form();
  private String revokeReason;

  /** Form fields by name (Faces binds #{registryPage.org.values.name}). */
  public static final class Form {
    private final Map<String, Object> values = new java.util.HashMap<>();

    public Map<String, Object> getValues() {
      return values;
    }

    String text(String k) {
      Object v = values.get(k);
      return v == null ? null : v.toString().trim();
    }

    LocalDate date(String k) {
      Object v = values.get(k);
      return v instanceof LocalDate d ? d : null;
    }
  }

  public Form getOrg() {
    return org;
  }

  public Form getPerson() {
    return person;
  }

  public Form getTraining() {
    return training;
  }

  public Form getCenter() {
    return center;
  }

  public Form getProject() {
    return project;
  }

  public String getRevokeReason() {
    return revokeReason;
  }

  public void setRevokeReason(String r) {
    revokeReason = r;
  }

  public String registerOrganisation() {
    return change(() -> {
      CertificationType type;
      try {
        type = CertificationType.parse(org.text("certificationType"));
      } catch (IllegalArgumentException e) {
        throw Refusals.invalid("organisation", List.of(e.getMessage()));
      }
      Organisation o = registry.registerOrganisation(user.caller(), new Organisation(org.text("id"), org.text("name"),
          type, org.text("certificationNumber"), org.date("certifiedFrom"), org.date("certifiedUntil"), 0));
      Feedback.done("done.organisation", o.id());
    });
  }

  public String registerPerson() {
    return change(() -> {
      Person p = registry.registerPerson(user.caller(), person.text("subject"), person.text("name"),
          person.text("organisationId"));
      Feedback.done("done.user", p.name());
    });
  }

  public String recordTraining() {
    return change(() -> {
      Person p = registry.recordTraining(user.caller(), training.text("subject"), new Training(training.text("course"),
          training.date("completedOn"), training.date("expiresOn")));
      Feedback.done("done.training", p.name());
    });
  }

  /** The onsite center a staff member acts at (empty: none). */
  public String assignOnsiteCenter() {
    return change(() -> {
      Person p = registry.assignOnsiteCenter(user.caller(), center.text("subject"), center.text("centerId"), null);
      Feedback.done("done.onsiteCenter", p.name(), p.onsiteCenter() == null ? "—" : p.onsiteCenter());
    });
  }

  public String registerProject() {
    return change(() -> {
      String member = project.text("member");
      Map<String, Project.MemberRole> members = member == null || member.isEmpty() ? Map.of()
          : Map.of(member, Project.MemberRole.LEAD);
      Project p = registry.registerProject(user.caller(), new Project(project.text("id"), project.text("title"),
          project.text("organisationId"), project.text("decisionNumber"), project.text("purpose"),
          project.text("dataScope"), project.date("approvedFrom"), project.date("approvedUntil"), members, 0));
      Feedback.done("done.project", p.id());
    });
  }

  public String revoke(String sessionId) {
    return change(() -> {
      sessions.revoke(user.caller(), sessionId, revokeReason);
      Feedback.done("done.revoked", sessionId);
    });
  }

  private List<Organisation> organisations;
  private List<Person> persons;
  private List<Project> projects;
  private List<Session> allSessions;

  public List<Organisation> getOrganisations() {
    if (organisations == null) {
      organisations = read(() -> registry.organisations(user.caller()));
    }
    return organisations;
  }

  public List<Person> getPersons() {
    if (persons == null) {
      persons = read(() -> registry.persons(user.caller()));
    }
    return persons;
  }

  public List<Project> getProjects() {
    if (projects == null) {
      projects = read(() -> registry.projects(user.caller()));
    }
    return projects;
  }

  public List<Session> getSessions() {
    if (allSessions == null) {
      allSessions = read(() -> sessions.all(user.caller()));
    }
    return allSessions;
  }

  /** Runs a change; afterwards the page's lists are read again, so they show it. */
  private String change(Runnable action) {
    act(action);
    organisations = null;
    persons = null;
    projects = null;
    allSessions = null;
    return null;
  }

  static String act(Runnable action) {
    try {
      action.run();
    } catch (Refusal r) {
      Feedback.refused(r);
    }
    return null;
  }

  static <T> List<T> read(java.util.function.Supplier<List<T>> read) {
    try {
      return read.get();
    } catch (Refusal r) {
      Feedback.refused(r);
      return List.of();
    }
  }
}
