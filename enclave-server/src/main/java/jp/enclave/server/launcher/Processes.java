package jp.enclave.server.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Child processes the launcher owns: waited for until they answer, stopped with their descendants. */
final class Processes {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Processes() {}

  /** Waits until {@code url} answers 200, or fails naming the log to read. */
  static void awaitHttp(Process p, String url, Duration timeout, String what, java.nio.file.Path log) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with " + p.exitValue() + "; see " + log);
      }
      try {
        // sendAsync with our own bound: a blocking send to a port whose previous server was killed
        // was seen to hang past the request's timeout (a crash test waited forever).
        java.util.concurrent.CompletableFuture<HttpResponse<Void>> f = HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.discarding());
        try {
          if (f.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode() == 200) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          f.cancel(true); // not listening yet, or not answering yet
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
      sleep(500);
    }
    throw new IllegalStateException(what + " did not answer " + url + " within " + timeout.toSeconds() + " s; see " + log);
  }

  /** SIGTERM to the process and its descendants, then SIGKILL to whatever is left after the grace period. */
  static void stop(Process p, Duration grace) {
    if (p == null) {
      return;
    }
    var descendants = p.descendants().toList();
    p.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  static int freePort() {
    try (var s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
