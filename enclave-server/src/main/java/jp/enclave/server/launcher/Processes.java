package jp.enclave.server.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Child processes the launcher owns: waited for until they answer, stopped with their descendants. */
final class Processes {
  private Processes() {}

  /**
   * Waits until {@code url} answers 200, or fails naming the log to read. Each poll is its own
   * connection with socket timeouts and {@code Connection: close}: a shared JDK HttpClient, once
   * its pooled connection's server was killed with -9, stopped completing requests (even with
   * {@code sendAsync} and a request timeout) while the restarted server on that port was ready.
   */
  static void awaitHttp(Process p, String url, Duration timeout, String what, java.nio.file.Path log) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with " + p.exitValue() + "; see " + log);
      }
      if (answers200(url)) {
        return;
      }
      sleep(500);
    }
    throw new IllegalStateException(what + " did not answer " + url + " within " + timeout.toSeconds() + " s; see " + log);
  }

  private static boolean answers200(String url) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(3_000);
      c.setUseCaches(false);
      c.setRequestProperty("Connection", "close");
      int status = c.getResponseCode();
      try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status == 200;
    } catch (IOException e) {
      return false; // not listening yet, or not answering yet
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
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
