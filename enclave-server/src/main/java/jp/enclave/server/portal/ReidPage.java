package jp.enclave.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.reidentification.ReidRequest;
import jp.enclave.server.reidentification.ReidService;
import jp.enclave.server.reidentification.ReidState;

/**
 * PMDA re-identification in the portal. An inspector files a request (the released submission,
 * the pseudonyms, the legal basis) and, once two different officers approved and the data
 * holder's zone ran it, reads the source references (each read audited by the service). Officers
 * see the requests waiting for them and approve or reject. Everything goes through
 * {@link ReidService}, as the API does, so the page can do nothing the API refuses.
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class ReidPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ReidService reid;
  @Inject
  PortalUser user;
  @Inject
  Dates dates;
  @Inject
  Locales locales;

  private String id;
  private String exportId;
  private String pseudonyms;
  private String legalBasis;
  private String reason;
  private List<ReidRequest> requests;
  private ReidRequest current;
  private List<SourceRow> sources;
  private List<String> notFound = List.of();
  private List<Choice> submissions;

  /** A released submission in the filing form's list: its export request ID and what the inspector reads. */
  public record Choice(String exportId, String label) {}

  /** One source reference of a pseudonym, as the holder's zone returned it. */
  public record SourceRow(String pseudonym, String hospital, String localPatientId, String storeTable, String recordKey) {}

  /** The request a postback acts on, read before Faces decodes the forms (see ExportsPage). */
  @PostConstruct
  void idFromRequest() {
    FacesContext fc = FacesContext.getCurrentInstance();
    if (fc != null) {
      String posted = fc.getExternalContext().getRequestParameterMap().get("id");
      if (posted != null && !posted.isBlank()) {
        id = posted;
      }
    }
  }

  public String file() {
    List<String> list = pseudonyms == null ? List.of()
        : Arrays.stream(pseudonyms.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    String[] filed = new String[1];
    RegistryPage.act(() -> {
      ReidRequest r = reid.file(user.caller(), exportId == null ? null : exportId.strip(), list, legalBasis);
      filed[0] = r.id();
      Feedback.done("done.reidFiled", r.id());
    });
    return filed[0] == null ? null : "/portal/reidentification?faces-redirect=true&id=" + filed[0];
  }

  public String approve() {
    RegistryPage.act(() -> {
      ReidRequest r = reid.approve(user.caller(), id);
      Feedback.done(r.state() == ReidState.ONE_APPROVAL ? "done.reidFirstApproval" : "done.reidApproved", r.id());
    });
    return reset();
  }

  public String reject() {
    RegistryPage.act(() -> {
      reid.reject(user.caller(), id, reason);
      Feedback.done("done.reidRejected", id);
    });
    return reset();
  }

  public String retry() {
    RegistryPage.act(() -> reid.retry(user.caller(), id));
    return reset();
  }

  /** The source references: read on request (each read is audited), for the filing inspector alone. */
  public String showResult() {
    RegistryPage.act(() -> {
      JsonNode n;
      try {
        n = JSON.readTree(reid.result(user.caller(), id));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<SourceRow> rows = new ArrayList<>();
      n.path("sources").fields().forEachRemaining(e -> e.getValue().forEach(s -> rows.add(new SourceRow(e.getKey(),
          s.path("hospital").asText(), s.path("localPatientId").asText(), s.path("storeTable").asText(),
          s.path("sourceRecordKey").asText()))));
      List<String> missing = new ArrayList<>();
      n.path("notFound").forEach(x -> missing.add(x.asText()));
      sources = rows;
      notFound = missing;
    });
    return null;
  }

  private String reset() {
    requests = null;
    current = null;
    return null;
  }

  public List<ReidRequest> getRequests() {
    if (requests == null) {
      requests = RegistryPage.read(() -> reid.list(user.caller()));
    }
    return requests;
  }

  /**
   * The released submissions the inspector may file against (the same list as
   * {@code GET /api/reidentifications/submissions}): project, title and release date in both calendars.
   */
  public List<Choice> getSubmissions() {
    if (submissions == null) {
      submissions = RegistryPage.read(() -> reid.submissions(user.caller())).stream()
          .map(s -> new Choice(s.exportId(), s.projectTitle() + " (" + s.projectId() + ") — " + s.title() + " — "
              + dates.both(s.releasedAt().atZone(jp.enclave.server.access.Access.ZONE).toLocalDate(), locales.getLanguage())
              + " — " + s.exportId()))
          .toList();
    }
    return submissions;
  }

  /** Requests waiting for an officer's approval (an officer's queue). */
  public List<ReidRequest> getPending() {
    return getRequests().stream()
        .filter(r -> r.state() == ReidState.FILED || r.state() == ReidState.ONE_APPROVAL).toList();
  }

  public ReidRequest getCurrent() {
    if (current == null && id != null && !id.isBlank()) {
      List<ReidRequest> one = RegistryPage.read(() -> List.of(reid.get(user.caller(), id)));
      current = one.isEmpty() ? null : one.get(0);
    }
    return current;
  }

  public boolean isOfficer() {
    return user.hasRole("reid-officer");
  }

  public boolean isInspector() {
    return user.hasRole("pmda-inspector");
  }

  /** An officer who has not approved this request yet may approve or reject it while it waits. */
  public boolean isMayDecide() {
    ReidRequest r = getCurrent();
    return r != null && isOfficer() && !r.inspector().equals(user.caller().subject())
        && (r.state() == ReidState.FILED || r.state() == ReidState.ONE_APPROVAL)
        && !r.approvers().contains(user.caller().subject());
  }

  public boolean isMayReadResult() {
    ReidRequest r = getCurrent();
    return r != null && r.state() == ReidState.COMPLETED && r.inspector().equals(user.caller().subject());
  }

  public List<SourceRow> getSources() { return sources; }
  public List<String> getNotFound() { return notFound; }
  public String getId() { return id; }
  public void setId(String id) { this.id = id; }
  public String getExportId() { return exportId; }
  public void setExportId(String exportId) { this.exportId = exportId; }
  public String getPseudonyms() { return pseudonyms; }
  public void setPseudonyms(String pseudonyms) { this.pseudonyms = pseudonyms; }
  public String getLegalBasis() { return legalBasis; }
  public void setLegalBasis(String legalBasis) { this.legalBasis = legalBasis; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
}
