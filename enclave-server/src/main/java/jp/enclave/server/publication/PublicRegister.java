package jp.enclave.server.publication;

import java.time.LocalDate;
import java.util.List;
import jp.enclave.server.registry.RegistryService;

/** The public page's rows: approved projects (organisation, purpose, period) with their releases. */
public final class PublicRegister {
  private final RegistryService registry;
  private final ReleaseRecords releases;

  public PublicRegister(RegistryService registry, ReleaseRecords releases) {
    this.registry = registry;
    this.releases = releases;
  }

  public record Entry(String id, String title, String organisation, String purpose, LocalDate approvedFrom,
      LocalDate approvedUntil, List<ReleaseRecords.PublishedRelease> releases) {}

  public List<Entry> entries() {
    return registry.approvedProjects().stream().map(p -> new Entry(p.id(), p.title(), p.organisation(), p.purpose(),
        p.approvedFrom(), p.approvedUntil(), releases.published(p.id()))).toList();
  }
}
