package jp.enclave.pseudonymizer.optout;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.db.PipelineException;

/**
 * The register of opt-out requests, in the data holder's zone. It names patients, so it is sealed
 * at rest under its own holder key and read whole into memory. Requests are never removed: an
 * opt-out holds for every later use, and one that matches nobody yet is tried again at every ingest.
 */
public final class OptOutRegister {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private OptOutRegister() {}

  public static List<OptOutEntry> load(HolderHome home) {
    if (!Files.exists(home.sealed(HolderHome.Holding.OPT_OUT_REGISTER))) {
      return List.of();
    }
    try {
      return JSON.readValue(home.openBytes(HolderHome.Holding.OPT_OUT_REGISTER), new TypeReference<List<OptOutEntry>>() {});
    } catch (IOException e) {
      throw new PipelineException("opt-out register is unreadable after authentication: " + e.getMessage(), e);
    }
  }

  static void save(HolderHome home, List<OptOutEntry> entries) {
    try {
      home.sealBytes(HolderHome.Holding.OPT_OUT_REGISTER, JSON.writeValueAsBytes(entries));
    } catch (IOException e) {
      throw new PipelineException("cannot write the opt-out register: " + e.getMessage(), e);
    }
  }

  /**
   * Records a request (PENDING until the next ingest matches it). A request that does not say who
   * or how is refused with every reason and changes nothing; both outcomes are audited, without
   * the identifying details.
   */
  public static OptOutEntry record(HolderHome home, Identification person, LocalDate received, String channel,
      String recordedBy) {
    List<String> problems = new ArrayList<>(person.problems());
    if (received == null || received.isAfter(LocalDate.now())) {
      problems.add("date received must be given and not in the future, is " + received);
    }
    if (channel == null || channel.isBlank()) {
      problems.add("channel (how the request came, e.g. 'H03 窓口', 'post') is missing");
    }
    if (recordedBy == null || recordedBy.isBlank()) {
      problems.add("the steward recording it must be named");
    }
    if (!problems.isEmpty()) {
      HolderAudit.record(home, "opt-out.refused", Map.of("problems", problems));
      throw new OptOutException("opt-out request cannot be recorded:\n  - " + String.join("\n  - ", problems));
    }
    List<OptOutEntry> entries = new ArrayList<>(load(home));
    String prefix = "OO-" + received.format(DateTimeFormatter.BASIC_ISO_DATE) + "-";
    long sameDay = entries.stream().filter(e -> e.requestId().startsWith(prefix)).count();
    OptOutEntry entry = new OptOutEntry(prefix + String.format("%04d", sameDay + 1), received, channel.strip(), person,
        Instant.now(), recordedBy, OptOutEntry.Status.PENDING, List.of(), 0, null);
    entries.add(entry);
    save(home, entries);
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("request", entry.requestId());
    audit.put("received", received.toString());
    audit.put("channel", entry.channel());
    audit.put("identifiedBy", person.byHospital() ? "hospital-id" : "name-kana-birth-sex");
    if (person.byHospital()) {
      audit.put("hospital", person.hospitalId());
    }
    audit.put("actor", recordedBy);
    HolderAudit.record(home, "opt-out.recorded", audit);
    return entry;
  }
}
