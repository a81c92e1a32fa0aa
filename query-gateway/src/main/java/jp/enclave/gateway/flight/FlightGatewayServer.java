package jp.enclave.gateway.flight;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/** The Flight SQL endpoint of one project's gateway, on a loopback address only. */
public final class FlightGatewayServer implements AutoCloseable {
  private final FlightServer server;
  private final EnclaveFlightSqlProducer producer;
  private final BufferAllocator allocator;

  private FlightGatewayServer(FlightServer server, EnclaveFlightSqlProducer producer, BufferAllocator allocator) {
    this.server = server;
    this.producer = producer;
    this.allocator = allocator;
  }

  /** Starts serving; {@code port} 0 picks a free port. Refuses any non-loopback host. */
  public static FlightGatewayServer start(Gateway gateway, TokenVerifier verifier, String host, int port,
      BufferAllocator parent) throws IOException {
    try {
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalArgumentException("the gateway listens on loopback only, not " + host);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
    BufferAllocator allocator = parent.newChildAllocator("flight-gateway", 0, Long.MAX_VALUE);
    Clock clock = Clock.systemUTC();
    BearerTokenAuthenticator auth = new BearerTokenAuthenticator(verifier, gateway, clock);
    EnclaveFlightSqlProducer producer = new EnclaveFlightSqlProducer(gateway, auth, allocator, clock);
    FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), producer)
        .headerAuthenticator(auth)
        .build();
    server.start();
    return new FlightGatewayServer(server, producer, allocator);
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    server.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    server.close();
    producer.close();
    allocator.close();
  }
}
