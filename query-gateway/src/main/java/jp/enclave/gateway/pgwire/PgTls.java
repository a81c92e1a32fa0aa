package jp.enclave.gateway.pgwire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The JDK's TLS (1.2/1.3) for the PostgreSQL endpoint, from a PEM certificate chain and a PKCS#8 PEM key. */
public final class PgTls {
  private PgTls() {}

  public static SSLContext context(Path certificatePem, Path keyPem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Certificate[] chain = cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificatePem)))
          .toArray(new Certificate[0]);
      if (chain.length == 0) {
        throw new IllegalArgumentException("no certificate in " + certificatePem);
      }
      String pem = Files.readString(keyPem);
      if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
        throw new IllegalArgumentException("the key " + keyPem + " must be PKCS#8 PEM (BEGIN PRIVATE KEY); "
            + "convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      String algorithm = chain[0].getPublicKey().getAlgorithm();
      PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("pgwire", key, none, chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, none);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the PostgreSQL TLS certificate/key: " + e.getMessage(), e);
    }
  }
}
