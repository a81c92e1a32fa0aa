package jp.enclave.server.airlock;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/** Export requests over HTTP: a thin shell around {@link AirlockService}, one transaction per call. */
@Path("exports")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class ExportResource {
  @Inject
  AirlockService airlock;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  public record NewRequest(String projectId, String title) {}

  /** A file: {@code content} as UTF-8 text or {@code contentBase64}; a figure's table likewise. */
  public record ItemBody(Long version, String id, String type, String name, String content, String contentBase64,
      String tableKind, String tableName, String tableContent, String tableBase64, List<String> queries) {}

  public record VersionBody(Long version) {}

  public record VoteBody(Boolean approve, String comment, List<String> safeItems) {}

  public record Reason(String reason) {}

  public record ItemView(String id, String type, String name, long bytes, String tableKind, String tableName,
      List<String> queries, String verdict, boolean safeVersion) {}

  public record VoteView(String reviewer, boolean approve, String comment, List<String> safeItems, Instant at) {}

  public record ExportView(String id, String projectId, String author, String title, String state, long version,
      int requiredApprovals, CheckProgress check, List<ItemView> items, List<VoteView> votes, Release release,
      Instant createdAt, Instant updatedAt) {

    static ExportView of(AirlockService.View v) {
      ExportRequest r = v.request();
      return new ExportView(r.id(), r.projectId(), r.author(), r.title(), r.state().wire(), r.version(),
          v.requiredApprovals(), r.check(), r.items().stream().map(i -> new ItemView(i.id(), i.type().wire(), i.name(),
              i.content().length, i.tableKind(), i.tableName(), i.queryIds(), i.verdict() == null ? null : i.verdict().wire(),
              i.hasSafeVersion())).toList(),
          r.votes().stream().map(x -> new VoteView(x.reviewer(), x.approve(), x.comment(),
              List.copyOf(new java.util.TreeSet<>(x.safeItems())), x.at())).toList(),
          v.release(), r.createdAt(), r.updatedAt());
    }
  }

  @GET
  public List<ExportView> mine() {
    return airlock.mine(caller.get()).stream().map(ExportView::of).toList();
  }

  @GET
  @Path("review")
  public List<ExportView> queue() {
    return airlock.queue(caller.get()).stream().map(ExportView::of).toList();
  }

  @GET
  @Path("{id}")
  public ExportView get(@PathParam("id") String id) {
    return ExportView.of(airlock.get(caller.get(), id));
  }

  @POST
  public Response create(@HeaderParam(Idempotency.HEADER) String key, NewRequest in) {
    return idempotency.once(caller.get(), key, "POST exports", in, 201, () -> {
      if (in == null || in.projectId() == null) {
        throw Refusals.invalid("export", List.of("projectId is required"));
      }
      return ExportView.of(airlock.create(caller.get(), in.projectId(), in.title()));
    });
  }

  @POST
  @Path("{id}/items")
  public Response addItem(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, ItemBody in) {
    return idempotency.once(caller.get(), key, "POST exports/" + id + "/items", in, 201, () -> {
      if (in == null) {
        throw Refusals.invalid("export-item", List.of("the item is missing"));
      }
      List<String> problems = new ArrayList<>();
      byte[] content = bytes("content", in.content(), in.contentBase64(), problems);
      byte[] table = bytes("table", in.tableContent(), in.tableBase64(), problems);
      if (!problems.isEmpty()) {
        throw Refusals.invalid("export-item", problems);
      }
      return ExportView.of(airlock.addItem(caller.get(), id, in.version(), new AirlockService.ItemInput(in.id(),
          in.type(), in.name(), content, in.tableKind(), in.tableName(), table, in.queries())));
    });
  }

  @DELETE
  @Path("{id}/items/{item}")
  public ExportView removeItem(@PathParam("id") String id, @PathParam("item") String item,
      @QueryParam("version") Long version) {
    return ExportView.of(airlock.removeItem(caller.get(), id, version, item));
  }

  @POST
  @Path("{id}/submit")
  public Response submit(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, VersionBody in) {
    return idempotency.once(caller.get(), key, "POST exports/" + id + "/submit", in, 200,
        () -> ExportView.of(airlock.submit(caller.get(), id, in == null ? null : in.version())));
  }

  @POST
  @Path("{id}/retry")
  public Response retry(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST exports/" + id + "/retry", null, 200,
        () -> ExportView.of(airlock.retryCheck(caller.get(), id)));
  }

  @POST
  @Path("{id}/votes")
  public Response vote(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, VoteBody in) {
    return idempotency.once(caller.get(), key, "POST exports/" + id + "/votes", in, 201, () -> {
      if (in == null || in.approve() == null) {
        throw Refusals.invalid("vote", List.of("approve: true or false is required"));
      }
      return ExportView.of(airlock.vote(caller.get(), id, in.approve(), in.comment(),
          in.safeItems() == null ? Set.of() : Set.copyOf(in.safeItems())));
    });
  }

  @POST
  @Path("{id}/revoke")
  public Response revoke(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Reason in) {
    return idempotency.once(caller.get(), key, "POST exports/" + id + "/revoke", in, 200,
        () -> ExportView.of(airlock.revoke(caller.get(), id, in == null ? null : in.reason())));
  }

  /** The checker's HTML report (self-contained, its own CSP), {@code ?lang=ja} for the Japanese one. */
  @GET
  @Path("{id}/report")
  @Produces(MediaType.TEXT_HTML)
  public Response report(@PathParam("id") String id, @QueryParam("lang") String lang) {
    String language = "ja".equals(lang) ? "ja" : "en";
    return Response.ok(airlock.report(caller.get(), id, language), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .header("Content-Language", language)
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        .header("X-Content-Type-Options", "nosniff").build();
  }

  @GET
  @Path("{id}/items/{item}/content")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response content(@PathParam("id") String id, @PathParam("item") String item, @QueryParam("safe") boolean safe) {
    return Response.ok(airlock.itemContent(caller.get(), id, item, safe), MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .header("Content-Disposition", "attachment").header("X-Content-Type-Options", "nosniff").build();
  }

  /** The release package, to its author only; each download is audited. The digest header carries its SHA-256. */
  @GET
  @Path("{id}/release/package")
  @Produces("application/zip")
  public Response download(@PathParam("id") String id) {
    AirlockService.Download d = airlock.download(caller.get(), id);
    String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(d.release().packageSha256()));
    return Response.ok(d.zip(), "application/zip")
        .header("Content-Disposition", "attachment; filename=\"release-" + d.release().id() + ".zip\"")
        .header("Repr-Digest", "sha-256=:" + b64 + ":").build();
  }

  private static byte[] bytes(String what, String text, String base64, List<String> problems) {
    if (text != null && base64 != null) {
      problems.add(what + ": give it as text or as base64, not both");
      return null;
    }
    if (base64 != null) {
      try {
        return Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        problems.add(what + "Base64: not base64 (" + e.getMessage() + ")");
        return null;
      }
    }
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
