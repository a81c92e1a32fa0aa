package jp.enclave.server.gateways;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.sessions.Gateways;
import jp.enclave.server.sessions.Session;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * The server's project gateways. With {@code enclave.gateways.jar} and {@code enclave.gateways.home}
 * configured, each project's query gateway runs as a child process of this server (see
 * {@link GatewayProcesses}), started by the first session opened for the project, stopped after
 * the last one ends, restarted after a crash, and killed when the server stops (a JVM shutdown
 * hook here, {@code --parent-pid} in the gateway, and the launcher's stop of Payara's
 * descendants). Without them, sessions name the gateway at {@code enclave.gateway.address}, run
 * by someone else.
 */
@ApplicationScoped
public class GatewayManager implements Gateways {
  private static final Logger LOG = Logger.getLogger(GatewayManager.class.getName());

  @Inject
  @ConfigProperty(name = "enclave.gateways.jar")
  Optional<String> jar;
  @Inject
  @ConfigProperty(name = "enclave.gateways.home")
  Optional<String> home;
  @Inject
  @ConfigProperty(name = "enclave.gateways.server-url")
  Optional<String> serverUrl;
  @Inject
  @ConfigProperty(name = "enclave.gateway.address", defaultValue = "127.0.0.1:47470")
  String fixedAddress;
  @Inject
  @ConfigProperty(name = "enclave.gateways.stop-grace-seconds", defaultValue = "10")
  long graceSeconds;
  @Inject
  @ConfigProperty(name = "enclave.gateways.ready-seconds", defaultValue = "120")
  long readySeconds;
  @Inject
  @ConfigProperty(name = "enclave.gateways.java-options", defaultValue = "-Xmx1g")
  String javaOptions;
  @Inject
  @ConfigProperty(name = "enclave.gateways.options", defaultValue = "--memory-limit 1GB --max-workers 2")
  String gatewayOptions;
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Resource
  TransactionSynchronizationRegistry transactions;
  @Inject
  MetricRegistry metrics;
  @Inject
  Clock clock;

  private GatewayProcesses processes;
  /** Each project's PostgreSQL port, chosen at its gateway's first start and kept across restarts. */
  private final java.util.Map<String, Integer> pgPorts = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile String learntServerUrl;
  private Thread shutdownHook;

  @PostConstruct
  void init() {
    if (!managed()) {
      LOG.info("gateways are not managed by this server (no enclave.gateways.jar/home); sessions name " + fixedAddress);
      return;
    }
    Path gatewayHome = Path.of(home.get()).toAbsolutePath();
    processes = new GatewayProcesses(this::launch, gatewayHome.resolve("server-link"), clock,
        Duration.ofSeconds(graceSeconds), GatewayManager::freePort);
    // Children must not outlive the server, whichever way it stops.
    shutdownHook = new Thread(processes::close, "gateways-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    metrics.gauge("enclave_gateways_running", processes, p -> p.running());
  }

  @PreDestroy
  void stop() {
    if (processes != null) {
      processes.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  public boolean managed() {
    return jar.isPresent() && home.isPresent();
  }

  @Override
  public String addressFor(String projectId) {
    if (!managed()) {
      return fixedAddress;
    }
    int port = processes.ensure(projectId);
    // The answer to the researcher waits (after the commit, so no lock is held) until the
    // gateway accepts connections: the JDBC URL they are given works at once.
    try {
      transactions.registerInterposedSynchronization(new Synchronization() {
        @Override
        public void beforeCompletion() {}

        @Override
        public void afterCompletion(int status) {
          if (status == Status.STATUS_COMMITTED && !processes.awaitReady(projectId, Duration.ofSeconds(readySeconds))) {
            LOG.warning("the gateway of project " + projectId + " is not ready after " + readySeconds + " s");
          }
        }
      });
    } catch (IllegalStateException e) {
      processes.awaitReady(projectId, Duration.ofSeconds(readySeconds));
    }
    return "127.0.0.1:" + port;
  }

  @Override
  public String pgAddressFor(String projectId) {
    if (!managed()) {
      return null;
    }
    Integer port = pgPorts.get(projectId);
    return port == null ? null : "127.0.0.1:" + port;
  }

  @Override
  public void tokenIssued(Session session, String token, Instant expires) {
    em.createNativeQuery("insert into gateway_session_token (session_id, project_id, token, expires_at) "
            + "values (?1, ?2, ?3, ?4) on conflict (session_id) do update set token = excluded.token, "
            + "expires_at = excluded.expires_at")
        .setParameter(1, session.id()).setParameter(2, session.projectId()).setParameter(3, token)
        .setParameter(4, java.sql.Timestamp.from(expires)).executeUpdate();
  }

  @Override
  public void sessionEnded(Session session) {
    em.createNativeQuery("delete from gateway_session_token where session_id = ?1").setParameter(1, session.id())
        .executeUpdate();
  }

  /** The supervisor's round (in its transaction): wanted = projects with open sessions; events to the audit trail. */
  void supervise(AuditTrail audit) {
    if (!managed()) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<String> open = em.createNativeQuery("select distinct project_id from research_session where state = 'OPEN'")
        .getResultList();
    processes.reconcile(new HashSet<>(open));
    for (GatewayProcesses.Event e : processes.drain()) {
      audit.record("system", e.event(), "gateway/" + e.project(), e.detail());
    }
  }

  boolean verifyCredential(String project, String bearer) {
    return managed() && processes.verify(project, bearer);
  }

  /** Whether the project's gateway process is up (starting, running, crashed awaiting restart, stopping). */
  public boolean running(String projectId) {
    return views().stream().anyMatch(v -> v.project().equals(projectId));
  }

  List<GatewayProcesses.View> views() {
    return managed() ? processes.views() : List.of();
  }

  /** The server's own base URL as the gateways reach it (configured, else learnt from a request, on loopback). */
  void learnServerUrl(int localPort, String contextPath) {
    if (learntServerUrl == null && localPort > 0) {
      // The gateway resolves api/... against the context root.
      learntServerUrl = "http://127.0.0.1:" + localPort + contextPath + "/";
    }
  }

  private Process launch(String project, int port, Path credentialFile) throws IOException {
    String url = serverUrl.orElse(learntServerUrl);
    if (url == null) {
      throw new IOException("the server does not know its own URL yet (set enclave.gateways.server-url)");
    }
    Path gatewayHome = Path.of(home.get()).toAbsolutePath();
    Path logs = gatewayHome.resolve("logs");
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(words(javaOptions));
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.addAll(List.of("-jar", Path.of(jar.get()).toAbsolutePath().toString(), "serve",
        "--home", gatewayHome.toString(), "--project", project, "--port", String.valueOf(port),
        "--audit", gatewayHome.resolve("audit").resolve("gateway-" + project + ".jsonl").toString(),
        "--server", url, "--server-credential-file", credentialFile.toString(),
        "--pg-port", String.valueOf(pgPorts.computeIfAbsent(project, p -> freePort())),
        "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    cmd.addAll(words(gatewayOptions));
    Files.createDirectories(gatewayHome.resolve("audit"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("gateway-" + project + ".log").toFile()));
    // Only what a JVM needs: none of the server's configuration (database, client secret) reaches the gateway.
    var env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    String lang = env.getOrDefault("LANG", "C.UTF-8");
    env.clear();
    env.put("PATH", path);
    env.put("LANG", lang);
    return pb.start();
  }

  private static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for a gateway", e);
    }
  }
}
