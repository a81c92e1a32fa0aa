package jp.enclave.server.onsite;

/**
 * What a request says about where it comes from: the client's address (as the server sees it,
 * see {@link ClientAddress}) and the terminal credential its browser carries ({@code id:secret}
 * from the enrolment cookie or the {@code Enclave-Terminal} header), if any.
 */
public record Presence(String address, String terminalId, String secret) {
  public static final String HEADER = "Enclave-Terminal";
  public static final String COOKIE = "enclave-terminal";

  /** Parses {@code id:secret}; anything else presents no terminal. */
  public static Presence of(String address, String credential) {
    if (credential == null || credential.indexOf(':') <= 0) {
      return new Presence(address, null, null);
    }
    int i = credential.indexOf(':');
    return new Presence(address, credential.substring(0, i), credential.substring(i + 1));
  }

  public boolean presentsTerminal() {
    return terminalId != null;
  }
}
