package jp.enclave.server.publication;

import java.time.LocalDate;
import java.util.List;

/**
 * The releases of a project the public register lists (results that passed the export airlock),
 * as creating businesses publish their provision records. The airlock's release register
 * implements this; until it exists, {@link PendingReleaseRecords} answers "none yet".
 */
public interface ReleaseRecords {
  record PublishedRelease(String id, LocalDate releasedOn, String summary) {}

  List<PublishedRelease> published(String projectId);
}
