package jp.enclave.pseudonymizer.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reference data shipped as TSV resources: names with readings, places, hospitals and code lists. */
public record Reference(
    List<Name> familyNames,
    List<Name> femaleNames,
    List<Name> maleNames,
    List<Prefecture> prefectures,
    List<Hospital> hospitals,
    List<Diagnosis> diagnoses,
    List<Drug> drugs,
    List<Lab> labs,
    List<Allergen> allergens,
    List<String> departments) {

  public record Name(String kanji, String kana) {}

  public record Prefecture(String name, List<String> cities) {}

  public record Hospital(String id, String name, String prefecture) {}

  public record Diagnosis(String icd10, String name, double weight) {}

  public record Drug(String code, String name, String route, String unit, double dose) {}

  public record Lab(String code, String name, String unit, double mean, double sd, int decimals) {}

  public record Allergen(String code, String name) {}

  private static volatile Reference loaded;

  /** The shipped reference data, read once. */
  public static Reference get() {
    Reference r = loaded;
    if (r == null) {
      synchronized (Reference.class) {
        if (loaded == null) {
          loaded = load();
        }
        r = loaded;
      }
    }
    return r;
  }

  private static Reference load() {
    Function<String[], Name> name = f -> new Name(f[0], f[1]);
    return new Reference(
        read("family_names.tsv", name),
        read("given_names_f.tsv", name),
        read("given_names_m.tsv", name),
        read("prefectures.tsv", f -> new Prefecture(f[0], List.of(f[1].split(",")))),
        read("hospitals.tsv", f -> new Hospital(f[0], f[1], f[2])),
        read("icd10.tsv", f -> new Diagnosis(f[0], f[1], Double.parseDouble(f[2]))),
        read("drugs.tsv", f -> new Drug(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]))),
        read("labs.tsv", f -> new Lab(f[0], f[1], f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]),
            Integer.parseInt(f[5]))),
        read("allergens.tsv", f -> new Allergen(f[0], f[1])),
        read("departments.tsv", f -> f[0]));
  }

  private static <T> List<T> read(String resource, Function<String[], T> row) {
    try (InputStream in = Reference.class.getResourceAsStream("/reference/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("reference resource " + resource + " missing from the jar");
      }
      List<T> out = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.add(row.apply(line.split("\t")));
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read reference " + resource, e);
    }
  }
}
