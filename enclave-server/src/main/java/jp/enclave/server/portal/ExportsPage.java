package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.airlock.AirlockService;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;

/**
 * A researcher's export requests: create one in a project, add files citing the gateway queries
 * they came from, submit (the checker runs in the background; the page shows its progress),
 * download the release. Every action goes through {@link AirlockService}, as the API does.
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class ExportsPage {
  @Inject
  AirlockService airlock;
  @Inject
  RegistryService registry;
  @Inject
  PortalUser user;

  @Inject
  Locales locales;

  private String id;
  private String project;
  private String title;
  private String itemId;
  private String itemType = "table";
  private String itemName;
  private String itemText;
  private Part itemFile;
  private String tableKind = "frequency";
  private String tableName;
  private String tableText;
  private String queries;
  private List<AirlockService.View> mine;
  private AirlockService.View current;
  private List<Project> projects;

  public String create() {
    RegistryPage.act(() -> {
      AirlockService.View v = airlock.create(user.caller(), project, title);
      id = v.request().id();
      Feedback.done("done.exportCreated", v.request().title());
    });
    return id == null ? null : "/portal/exports?faces-redirect=true&id=" + id;
  }

  public String addItem() {
    RegistryPage.act(() -> {
      byte[] content = itemFile != null && itemFile.getSize() > 0 ? read(itemFile)
          : itemText == null ? null : itemText.getBytes(StandardCharsets.UTF_8);
      String name = itemName == null && itemFile != null ? itemFile.getSubmittedFileName() : itemName;
      List<String> q = queries == null ? List.of()
          : Arrays.stream(queries.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
      airlock.addItem(user.caller(), id, null, new AirlockService.ItemInput(itemId, itemType, name, content,
          tableKind, tableName, tableText == null ? null : tableText.getBytes(StandardCharsets.UTF_8), q));
      Feedback.done("done.itemAdded", itemId);
    });
    return reset();
  }

  public String removeItem(String item) {
    RegistryPage.act(() -> airlock.removeItem(user.caller(), id, null, item));
    return reset();
  }

  public String submit() {
    RegistryPage.act(() -> {
      airlock.submit(user.caller(), id, null);
      Feedback.done("done.exportSubmitted", id);
    });
    return reset();
  }

  public String retry() {
    RegistryPage.act(() -> airlock.retryCheck(user.caller(), id));
    return reset();
  }

  /** The release package as a download (audited by the service, like the API's). */
  public String download() {
    RegistryPage.act(() -> {
      AirlockService.Download d = airlock.download(user.caller(), id);
      FacesContext fc = FacesContext.getCurrentInstance();
      ExternalContext ec = fc.getExternalContext();
      ec.responseReset();
      ec.setResponseContentType("application/zip");
      ec.setResponseContentLength(d.zip().length);
      ec.setResponseHeader("Content-Disposition", "attachment; filename=\"release-" + d.release().id() + ".zip\"");
      try {
        ec.getResponseOutputStream().write(d.zip());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      fc.responseComplete();
    });
    return null;
  }

  private String reset() {
    mine = null;
    current = null;
    return null;
  }

  private static byte[] read(Part p) {
    try (InputStream in = p.getInputStream()) {
      return in.readNBytes(AirlockService.MAX_ITEM_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<AirlockService.View> getMine() {
    if (mine == null) {
      mine = RegistryPage.read(() -> airlock.mine(user.caller()));
    }
    return mine;
  }

  public AirlockService.View getCurrent() {
    if (current == null && id != null && !id.isBlank()) {
      List<AirlockService.View> one = RegistryPage.read(() -> List.of(airlock.get(user.caller(), id)));
      current = one.isEmpty() ? null : one.get(0);
    }
    return current;
  }

  public List<Project> getProjects() {
    if (projects == null) {
      projects = RegistryPage.read(() -> registry.projectsOf(user.caller()));
    }
    return projects;
  }

  /**
   * The request a postback acts on. A form posts the id as a plain parameter and it is read here,
   * before Faces decodes the form: the forms sit in fragments rendered only when the request is
   * known, and a request-scoped bean would otherwise meet them with no id, skip decoding them and
   * drop the action silently (why "add item" did nothing in Chromium).
   */
  @jakarta.annotation.PostConstruct
  void idFromRequest() {
    jakarta.faces.context.FacesContext fc = jakarta.faces.context.FacesContext.getCurrentInstance();
    if (fc != null) {
      String posted = fc.getExternalContext().getRequestParameterMap().get("id");
      if (posted != null && !posted.isBlank()) {
        id = posted;
      }
    }
  }

  public String getId() { return id; }
  public void setId(String id) { this.id = id; }
  public String getProject() { return project; }
  public void setProject(String project) { this.project = project; }
  public String getTitle() { return title; }
  public void setTitle(String title) { this.title = title; }
  public String getItemId() { return itemId; }
  public void setItemId(String itemId) { this.itemId = itemId; }
  public String getItemType() { return itemType; }
  public void setItemType(String itemType) { this.itemType = itemType; }
  public String getItemName() { return itemName; }
  public void setItemName(String itemName) { this.itemName = itemName; }
  public String getItemText() { return itemText; }
  public void setItemText(String itemText) { this.itemText = itemText; }
  public Part getItemFile() { return itemFile; }
  public void setItemFile(Part itemFile) { this.itemFile = itemFile; }
  public String getTableKind() { return tableKind; }
  public void setTableKind(String tableKind) { this.tableKind = tableKind; }
  public String getTableName() { return tableName; }
  public void setTableName(String tableName) { this.tableName = tableName; }
  public String getTableText() { return tableText; }
  public void setTableText(String tableText) { this.tableText = tableText; }
  public String getQueries() { return queries; }
  public void setQueries(String queries) { this.queries = queries; }
}
