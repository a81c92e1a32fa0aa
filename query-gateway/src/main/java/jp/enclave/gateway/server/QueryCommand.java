package jp.enclave.gateway.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A researcher's-eye client: runs one SQL statement through a gateway over Flight SQL with a
 * session token and prints the rows, or the gateway's refusal. For the demo and for operators
 * checking a deployment; desktops use the Flight SQL JDBC driver or ADBC.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Run one SQL statement through a gateway over Flight SQL and print the result or the refusal.")
final class QueryCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1")
  String host;
  @Option(names = "--port", defaultValue = "47470")
  int port;
  @Option(names = "--token-file", required = true, description = "file holding the session token")
  Path tokenFile;
  @Option(names = "--max-rows", defaultValue = "20", description = "rows printed at most")
  int maxRows;
  @Parameters(index = "0", description = "the SQL statement")
  String sql;

  @Override
  public Integer call() throws Exception {
    CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(Files.readString(tokenFile).strip()));
    try (RootAllocator allocator = new RootAllocator();
         FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure(host, port)).build()) {
      FlightSqlClient sqlClient = new FlightSqlClient(client);
      FlightInfo info = sqlClient.execute(sql, auth);
      List<List<String>> rows = new ArrayList<>();
      List<String> header = new ArrayList<>();
      long total = 0;
      try (FlightStream stream = sqlClient.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
        VectorSchemaRoot root = stream.getRoot();
        root.getSchema().getFields().forEach(f -> header.add(f.getName()));
        while (stream.next()) {
          for (int i = 0; i < root.getRowCount(); i++, total++) {
            if (rows.size() < maxRows) {
              List<String> row = new ArrayList<>();
              for (FieldVector v : root.getFieldVectors()) {
                Object o = v.getObject(i);
                row.add(o == null ? "NULL" : o.toString());
              }
              rows.add(row);
            }
          }
        }
      }
      print(header, rows);
      System.out.println("(" + total + " rows" + (total > rows.size() ? ", " + rows.size() + " shown" : "") + ")");
      return 0;
    } catch (FlightRuntimeException e) {
      System.out.println("refused: " + e.status().code() + ": " + e.status().description());
      return 1;
    }
  }

  private static void print(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = header.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < width.length; c++) {
        line.append(c == 0 ? "" : " | ").append(String.format("%-" + width[c] + "s", r.get(c)));
      }
      System.out.println(line.toString().stripTrailing());
    }
  }
}
