package jp.enclave.server.inventory;

import static jp.enclave.server.Fixtures.AUDITOR;
import static jp.enclave.server.Fixtures.RESEARCHER;
import static jp.enclave.server.Fixtures.STEWARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Refusal;
import org.junit.jupiter.api.Test;

/** Imports of the holder's report: shape checked field by field, unchanged reports not stored twice, who reads. */
class InventoryServiceTest {
  static final class Reports implements InventoryStore {
    final List<Stored> rows = new ArrayList<>();

    public Optional<Stored> latest() { return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1)); }
    public Stored insert(Instant at, String by, String sha, String report) {
      Stored s = new Stored(rows.size() + 1, at, by, sha, report);
      rows.add(s);
      return s;
    }
  }

  static final String TEXT = "{\"ja\":\"所有者\",\"en\":\"owner\"}";

  static String report(String generatedAt, String extraAssetField) {
    return """
        {"format":1,"generatedAt":"%s","assets":[
          {"id":"store@2026-12-01T00:00:00Z","kind":"store-build","name":"store","status":"current",
           "at":"2026-12-01T00:00:00Z","owner":%s,"legalBasis":%s,"retention":%s,"persons":300,"rows":9972%s},
          {"id":"extract:p-dm@2026-12-02T00:00:00Z","kind":"extract","name":"p-dm","status":"current",
           "at":"2026-12-02T00:00:00Z","owner":%s,"legalBasis":%s,"retention":%s,"project":"p-dm",
           "tables":{"patient":120,"diagnosis":804},"exportedTo":1}],
         "dictionary":{"tables":[{"name":"diagnosis","periodColumn":"diagnosis_date","columns":[
           {"name":"person_id","type":"VARCHAR","sensitivity":"pseudonym"},
           {"name":"icd10","type":"VARCHAR","sensitivity":"clinical","codeSystem":"ICD-10"}]}],
          "codeSystems":[{"id":"ICD-10","name":{"ja":"ICD-10（2013年版）","en":"ICD-10 (2013 version)"}}]}}"""
        .formatted(generatedAt, TEXT, TEXT, TEXT, extraAssetField, TEXT, TEXT, TEXT);
  }

  final Fixtures f = new Fixtures();
  final Reports store = new Reports();
  final InventoryService service = new InventoryService(store, f.access, f.audit, f.clock);

  @Test
  void aReportIsImportedOnceAndReadByStewardsAndAuditors() {
    InventoryService.Imported first = service.importReport(STEWARD, report("2026-12-03T00:00:00Z", ""));
    assertThat(first.changed()).isTrue();
    // The same report generated later is the same inventory: nothing stored again.
    assertThat(service.importFromHolder(report("2026-12-03T01:00:00Z", "")).changed()).isFalse();
    assertThat(store.rows).hasSize(1);
    assertThat(f.audit.events()).containsOnlyOnce("inventory.imported");

    InventoryReport r = service.inventory(AUDITOR).orElseThrow();
    assertThat(r.assets()).extracting(InventoryReport.Asset::kind).containsExactly("store-build", "extract");
    assertThat(r.assets().get(1).facts()).containsEntry("project", "p-dm").containsKey("tables");
    assertThat(r.assets().get(0).owner().in("ja")).isEqualTo("所有者");
    assertThatThrownBy(() -> service.inventory(RESEARCHER)).extracting(e -> ((Refusal) e).code())
        .isEqualTo("not-permitted");

    InventoryReport.Dictionary d = service.dictionary(RESEARCHER);
    assertThat(d.tables().get(0).columns()).extracting(InventoryReport.Column::codeSystem)
        .containsExactly(null, "ICD-10");
    assertThat(d.codeSystems().get(0).name().in("en")).isEqualTo("ICD-10 (2013 version)");
  }

  @Test
  void aReportCarryingAnythingButMetadataIsRefusedWholeWithEveryProblem() {
    assertThatThrownBy(() -> service.importReport(STEWARD, report("2026-12-03T00:00:00Z",
        ",\"sample\":[{\"name_kanji\":\"内閣 花子\"}]")))
        .isInstanceOf(Refusal.class)
        .satisfies(e -> assertThat(((Refusal) e).code()).isEqualTo("invalid-inventory"))
        .hasMessageContaining("assets[0]: unknown field 'sample'");
    String bad = report("2026-12-03T00:00:00Z", "").replace("\"kind\":\"extract\"", "\"kind\":\"patients\"")
        .replace("\"sensitivity\":\"pseudonym\"", "\"sensitivity\":\"public\"").replace("\"format\":1", "\"format\":2");
    assertThatThrownBy(() -> service.importReport(STEWARD, bad)).hasMessageContaining("format: 1 expected")
        .hasMessageContaining("assets[1].kind 'patients'").hasMessageContaining("sensitivity 'public'");
    assertThatThrownBy(() -> service.importReport(STEWARD, "{\"format\": ")).hasMessageContaining("not JSON");
    assertThat(store.rows).isEmpty();
  }

  @Test
  void onlyAStewardImports() {
    assertThatThrownBy(() -> service.importReport(AUDITOR, report("2026-12-03T00:00:00Z", "")))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("not-permitted");
    assertThat(store.rows).isEmpty();
    assertThat(service.dictionary(STEWARD).tables()).isEmpty();
  }
}
