package jp.enclave.pseudonymizer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordCounterTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "[{index}] {1} records")
  @CsvSource(delimiter = '|', value = {
      "a,b\\n1,2\\n3,4\\n|2",
      "a,b\\n1,2\\n3,4|2",
      "a,b\\n1,\"two\\nlines\"\\n3,4\\n|2",
      "a,b\\r\\n1,2\\r\\n|1",
      "a,b\\n|0",
      "a,b|0",
      "a,b\\n1,\"say \"\"hi\"\"\"\\n|1",
  })
  void countsRecordsNotLines(String content, long expected) throws Exception {
    Path f = tmp.resolve("x.csv");
    Files.writeString(f, content.replace("\\n", "\n").replace("\\r", "\r"));
    assertThat(RecordCounter.dataRecords(f)).isEqualTo(expected);
  }
}
