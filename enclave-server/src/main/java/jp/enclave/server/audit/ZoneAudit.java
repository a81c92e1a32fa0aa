package jp.enclave.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;

/**
 * The auditor's view of every zone's trail: the server's chain and each zone's JSONL file,
 * searched together and verified together, each zone also against the heads the server witnessed.
 * Witnessing records each zone's head in the server's database and in its own chain, in one
 * transaction; a zone whose trail no longer agrees with its witnessed heads is not witnessed
 * again but reported ({@code audit.zone-trail-broken}, once per distinct problem).
 */
public final class ZoneAudit {
  public static final String SERVER = "server";

  private final AuditTrail server;
  private final ZoneTrails zones;
  private final WitnessStore witnesses;
  private final Access access;
  private final ServerPolicies policies;
  private final Clock clock;
  private final Map<String, String> reported = new HashMap<>();

  public ZoneAudit(AuditTrail server, ZoneTrails zones, WitnessStore witnesses, Access access, ServerPolicies policies,
      Clock clock) {
    this.server = server;
    this.zones = zones;
    this.witnesses = witnesses;
    this.access = access;
    this.policies = policies;
    this.clock = clock;
  }

  /** What to look for; blank or null matches all. Text filters match substrings, case-insensitively. */
  public record Filter(String zone, String user, String project, String event, Instant from, Instant to, int limit) {}

  /** The server's chain and every zone's, checked now. */
  public record Verification(AuditChain.Verification server, List<TrailCheck.ZoneVerification> zones) {
    public boolean valid() {
      return server.valid() && zones.stream().allMatch(TrailCheck.ZoneVerification::valid);
    }
  }

  public List<String> zoneNames(Caller c) {
    access.requireReadAudit(c);
    TreeSet<String> names = new TreeSet<>(witnesses.zones());
    zones.zones().forEach(z -> names.add(z.name()));
    List<String> out = new ArrayList<>();
    out.add(SERVER);
    out.addAll(names);
    return out;
  }

  /** Newest first across all zones. */
  public List<TrailEntry> search(Caller c, Filter f) {
    access.requireReadAudit(c);
    List<TrailEntry> all = new ArrayList<>();
    if (matches(SERVER, f.zone())) {
      for (AuditEntry e : server.entries()) {
        all.add(serverEntry(e));
      }
    }
    for (ZoneTrails.Zone z : zones.zones()) {
      if (matches(z.name(), f.zone())) {
        all.addAll(ZoneRead.of(z).entries());
      }
    }
    return all.stream()
        .filter(e -> matches(e.user(), f.user()) && matches(e.project(), f.project()) && matches(e.event(), f.event()))
        .filter(e -> (f.from() == null || !e.at().isBefore(f.from())) && (f.to() == null || e.at().isBefore(f.to())))
        .sorted(Comparator.comparing(TrailEntry::at).reversed().thenComparing(TrailEntry::zone))
        .limit(Math.max(1, Math.min(f.limit() <= 0 ? 200 : f.limit(), 2000))).toList();
  }

  /** Every zone's entries of one event kind in a time range (the security view's source; no access check). */
  public List<TrailEntry> zoneEvents(String event, Instant from) {
    List<TrailEntry> out = new ArrayList<>();
    for (ZoneTrails.Zone z : zones.zones()) {
      ZoneRead.of(z).entries().stream().filter(e -> e.event().equals(event) && !e.at().isBefore(from)).forEach(out::add);
    }
    return out;
  }

  /** Every zone trail's entries that name the project, oldest first (a project's archive; no access check). */
  public List<TrailEntry> zoneEntriesOf(String projectId) {
    List<TrailEntry> out = new ArrayList<>();
    for (ZoneTrails.Zone z : zones.zones()) {
      ZoneRead.of(z).entries().stream().filter(e -> projectId.equals(e.project())).forEach(out::add);
    }
    out.sort(Comparator.comparing(TrailEntry::at).thenComparing(TrailEntry::zone).thenComparingLong(TrailEntry::seq));
    return out;
  }

  /** The server's own entries as trail entries (the security view reads changes from them). */
  public List<TrailEntry> serverEntries(Instant from) {
    return server.entries().stream().filter(e -> !e.at().isBefore(from)).map(ZoneAudit::serverEntry).toList();
  }

  public Verification verify(Caller c) {
    access.requireReadAudit(c);
    Verification v = verifyAll();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("valid", v.valid());
    detail.put("entries", v.server().entries());
    Map<String, String> verdicts = new java.util.TreeMap<>();
    v.zones().forEach(z -> verdicts.put(z.zone(), z.verdict().name().toLowerCase(Locale.ROOT)));
    detail.put("zones", verdicts);
    server.record(c.subject(), "audit.verified", "audit", detail);
    return v;
  }

  private Verification verifyAll() {
    AuditChain.Verification s = AuditChain.verify(server.entries(), server.legacyThrough());
    List<TrailCheck.ZoneVerification> out = new ArrayList<>();
    for (ZoneTrails.Zone z : knownZones()) {
      out.add(TrailCheck.check(ZoneRead.of(z), witnesses.heads(z.name())));
    }
    return new Verification(s, out);
  }

  /** On demand (an auditor, asked of the policies) or by the server's schedule ({@link Caller#SYSTEM}). */
  public List<TrailCheck.ZoneVerification> witness(Caller c) {
    if (c != Caller.SYSTEM) {
      access.check(c, "witness the zone trails", "audit", (a, now) -> policies.mayWitnessTrails(a, now));
    }
    List<TrailCheck.ZoneVerification> out = new ArrayList<>();
    for (ZoneTrails.Zone z : knownZones()) {
      ZoneRead read = ZoneRead.of(z);
      List<WitnessedHead> heads = witnesses.heads(z.name());
      TrailCheck.ZoneVerification v = TrailCheck.check(read, heads);
      out.add(v);
      if (!TrailCheck.consistent(v)) {
        String problem = v.verdict() + ": " + v.problem();
        synchronized (reported) {
          if (problem.equals(reported.get(z.name()))) {
            continue;
          }
          reported.put(z.name(), problem);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("zone", z.name());
        d.put("verdict", v.verdict().name().toLowerCase(Locale.ROOT));
        d.put("problem", v.problem());
        d.put("entries", v.entries());
        server.record(c.subject(), "audit.zone-trail-broken", "zone/" + z.name(), d);
        continue;
      }
      synchronized (reported) {
        reported.remove(z.name());
      }
      WitnessedHead last = heads.isEmpty() ? null : heads.get(heads.size() - 1);
      if (last != null && last.entries() == v.entries() && last.headHash().equals(v.head())) {
        continue; // nothing new since the last witness
      }
      WitnessedHead h = new WitnessedHead(z.name(), z.file().toString(), v.entries(), v.head(), read.fileBytes(),
          clock.instant(), c.subject());
      witnesses.insert(h);
      server.record(c.subject(), "audit.zone-witnessed", "zone/" + z.name(),
          Map.of("zone", z.name(), "entries", h.entries(), "head", h.headHash(), "bytes", h.fileBytes()));
    }
    return out;
  }

  /** Zones with a file now, and zones witnessed before whose file has gone (reported missing). */
  private List<ZoneTrails.Zone> knownZones() {
    Map<String, ZoneTrails.Zone> out = new java.util.TreeMap<>();
    zones.zones().forEach(z -> out.put(z.name(), z));
    for (String name : witnesses.zones()) {
      if (!out.containsKey(name)) {
        List<WitnessedHead> h = witnesses.heads(name);
        out.put(name, new ZoneTrails.Zone(name, java.nio.file.Path.of(h.get(h.size() - 1).path())));
      }
    }
    return new ArrayList<>(out.values());
  }

  static TrailEntry serverEntry(AuditEntry e) {
    String project = e.target() != null && e.target().startsWith("project/") ? e.target().substring(8) : "";
    if (project.isEmpty()) {
      try {
        JsonNode d = ZoneRead.json().readTree(e.detail());
        project = d.path("project").asText("");
      } catch (IOException ex) {
        project = "";
      }
    }
    return new TrailEntry(SERVER, e.seq(), e.at(), e.actor(), project, e.event(), e.target(), e.detail(), e.hash());
  }

  private static boolean matches(String value, String filter) {
    return filter == null || filter.isBlank()
        || (value != null && value.toLowerCase(Locale.ROOT).contains(filter.trim().toLowerCase(Locale.ROOT)));
  }
}
