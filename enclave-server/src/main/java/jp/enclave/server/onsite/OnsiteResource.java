package jp.enclave.server.onsite;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;
import jp.enclave.server.sessions.SessionKind;
import jp.enclave.server.sessions.SessionService;

/** The onsite desk over HTTP: terminals, visits, check-in, and an onsite session opened at a terminal. */
@Path("onsite")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class OnsiteResource {
  @Inject
  OnsiteService onsite;
  @Inject
  SessionService sessions;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  public record NewTerminal(String id, String centerId, String location, String address) {}

  /** The terminal's view without its secret hash. */
  public record TerminalView(String id, String centerId, String location, String address, String state,
      String registeredBy, java.time.Instant registeredAt, String retiredBy, java.time.Instant retiredAt,
      String retireReason, long version) {
    static TerminalView of(Terminal t) {
      return new TerminalView(t.id(), t.centerId(), t.location(), t.address(), t.state().name(), t.registeredBy(),
          t.registeredAt(), t.retiredBy(), t.retiredAt(), t.retireReason(), t.version());
    }
  }

  public record RegisteredView(TerminalView terminal, String secret, String credential) {}

  public record Reason(String reason) {}

  public record Booking(String projectId, String centerId, String day) {}

  public record CheckIn(String terminalId, String identityDocument) {}

  @GET
  @Path("terminals")
  public List<TerminalView> terminals() {
    return onsite.terminals(caller.get()).stream().map(TerminalView::of).toList();
  }

  @POST
  @Path("terminals")
  public Response register(@HeaderParam(Idempotency.HEADER) String key, NewTerminal in) {
    return idempotency.once(caller.get(), key, "POST onsite/terminals", in, 201, () -> {
      if (in == null) {
        throw Refusals.invalid("terminal", List.of("a JSON body with id, centerId, location and address is required"));
      }
      OnsiteService.Registered r = onsite.registerTerminal(caller.get(), in.id(), in.centerId(), in.location(),
          in.address());
      return new RegisteredView(TerminalView.of(r.terminal()), r.secret(), r.terminal().id() + ":" + r.secret());
    });
  }

  @POST
  @Path("terminals/{id}/retire")
  public Response retire(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Reason in) {
    return idempotency.once(caller.get(), key, "POST onsite/terminals/" + id + "/retire", in, 200,
        () -> TerminalView.of(onsite.retireTerminal(caller.get(), id, in == null ? null : in.reason())));
  }

  @GET
  @Path("centers")
  public List<String> centers() {
    caller.get();
    return onsite.centers();
  }

  /** The caller's own visits. */
  @GET
  @Path("visits/mine")
  public List<Visit> mine() {
    return onsite.myVisits(caller.get());
  }

  /** A day's visits (staff); today by default. */
  @GET
  @Path("visits")
  public List<Visit> visits(@QueryParam("day") String day) {
    return onsite.visitsOn(caller.get(), parseDay(day));
  }

  @POST
  @Path("visits")
  public Response book(@HeaderParam(Idempotency.HEADER) String key, Booking in) {
    return idempotency.once(caller.get(), key, "POST onsite/visits", in, 201, () -> {
      if (in == null) {
        throw Refusals.invalid("visit", List.of("a JSON body with projectId, centerId and day is required"));
      }
      return onsite.bookVisit(caller.get(), in.projectId(), in.centerId(), parseDay(in.day()));
    });
  }

  @POST
  @Path("visits/{id}/check-in")
  public Response checkIn(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, CheckIn in) {
    return idempotency.once(caller.get(), key, "POST onsite/visits/" + id + "/check-in", in, 200,
        () -> onsite.checkIn(caller.get(), id, in == null ? null : in.terminalId(),
            in == null ? null : in.identityDocument()));
  }

  @POST
  @Path("visits/{id}/check-out")
  public Response checkOut(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST onsite/visits/" + id + "/check-out", null, 200,
        () -> onsite.checkOut(caller.get(), id));
  }

  @POST
  @Path("visits/{id}/cancel")
  public Response cancel(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST onsite/visits/" + id + "/cancel", null, 200,
        () -> onsite.cancel(caller.get(), id));
  }

  /**
   * Books and opens the onsite session of a checked-in visit, from the terminal (the request's
   * address and terminal credential decide; see {@link OnsiteService#admits}).
   */
  @POST
  @Path("visits/{id}/session")
  public Response openSession(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST onsite/visits/" + id + "/session", null, 200, () -> {
      Visit v = onsite.own(caller.get(), id);
      return sessions.open(caller.get(), sessions.book(caller.get(), v.projectId(), SessionKind.ONSITE).id());
    });
  }

  private static LocalDate parseDay(String day) {
    if (day == null || day.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(day.trim());
    } catch (DateTimeParseException e) {
      throw Refusals.invalid("day", List.of("day: '" + day + "' is not a date (YYYY-MM-DD)"));
    }
  }
}
