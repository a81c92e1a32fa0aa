package jp.enclave.server.registry;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/** The registry over HTTP: a thin shell around {@link RegistryService}, one transaction per call. */
@Path("registry")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class RegistryResource {
  @Inject
  RegistryService registry;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  public record OrganisationInput(String id, String name, String certificationType, String certificationNumber,
      LocalDate certifiedFrom, LocalDate certifiedUntil, Long version) {
    Organisation toDomain(String pathId) {
      CertificationType type;
      try {
        type = CertificationType.parse(certificationType);
      } catch (IllegalArgumentException e) {
        throw Refusals.invalid("organisation", List.of(e.getMessage()));
      }
      return new Organisation(pathId == null ? id : pathId, name, type, certificationNumber, certifiedFrom,
          certifiedUntil, version == null ? 0 : version);
    }
  }

  public record PersonInput(String subject, String name, String organisationId) {}

  public record ProjectInput(String id, String title, String organisationId, String decisionNumber, String purpose,
      String dataScope, LocalDate approvedFrom, LocalDate approvedUntil, Map<String, String> members, Long version) {
    Project toDomain(String pathId) {
      Map<String, Project.MemberRole> m = new LinkedHashMap<>();
      if (members != null) {
        members.forEach((subject, role) -> {
          try {
            m.put(subject, Project.MemberRole.valueOf(role));
          } catch (IllegalArgumentException | NullPointerException e) {
            throw Refusals.invalid("project", List.of("members." + subject + ": role must be LEAD or ANALYST"));
          }
        });
      }
      return new Project(pathId == null ? id : pathId, title, organisationId, decisionNumber, purpose, dataScope,
          approvedFrom, approvedUntil, m, version == null ? 0 : version);
    }
  }

  @GET
  @Path("organisations")
  public List<Organisation> organisations() {
    return registry.organisations(caller.get());
  }

  @POST
  @Path("organisations")
  public Response registerOrganisation(@HeaderParam(Idempotency.HEADER) String key, OrganisationInput in) {
    return idempotency.once(caller.get(), key, "POST registry/organisations", in, 201,
        () -> registry.registerOrganisation(caller.get(), required(in).toDomain(null)));
  }

  @PUT
  @Path("organisations/{id}")
  public Organisation updateOrganisation(@PathParam("id") String id, OrganisationInput in) {
    return registry.updateOrganisation(caller.get(), required(in).toDomain(id));
  }

  @GET
  @Path("users")
  public List<Person> users() {
    return registry.persons(caller.get());
  }

  @POST
  @Path("users")
  public Response registerUser(@HeaderParam(Idempotency.HEADER) String key, PersonInput in) {
    return idempotency.once(caller.get(), key, "POST registry/users", in, 201,
        () -> registry.registerPerson(caller.get(), required(in).subject(), in.name(), in.organisationId()));
  }

  public record CenterInput(String centerId, Long version) {}

  /** The onsite center a staff member acts at (a steward's edit; {@code version} guards against a stale one). */
  @PUT
  @Path("users/{subject}/onsite-center")
  public Person assignOnsiteCenter(@PathParam("subject") String subject, CenterInput in) {
    return registry.assignOnsiteCenter(caller.get(), subject, required(in).centerId(), in.version());
  }

  @POST
  @Path("users/{subject}/trainings")
  public Response recordTraining(@HeaderParam(Idempotency.HEADER) String key, @PathParam("subject") String subject,
      Training in) {
    return idempotency.once(caller.get(), key, "POST registry/users/" + subject + "/trainings", in, 201,
        () -> registry.recordTraining(caller.get(), subject, required(in)));
  }

  @GET
  @Path("projects")
  public List<Project> projects() {
    return registry.projects(caller.get());
  }

  @POST
  @Path("projects")
  public Response registerProject(@HeaderParam(Idempotency.HEADER) String key, ProjectInput in) {
    return idempotency.once(caller.get(), key, "POST registry/projects", in, 201,
        () -> registry.registerProject(caller.get(), required(in).toDomain(null)));
  }

  @PUT
  @Path("projects/{id}")
  public Project updateProject(@PathParam("id") String id, ProjectInput in) {
    return registry.updateProject(caller.get(), required(in).toDomain(id));
  }

  private static <T> T required(T body) {
    if (body == null) {
      throw Refusals.invalid("request", List.of("a JSON body is required"));
    }
    return body;
  }
}
