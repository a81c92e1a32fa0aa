package jp.enclave.gateway.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * SHA-256 over a result as Arrow lays it out: the schema as an IPC message, then per batch its
 * row count and the bytes of every buffer as the IPC format would carry them. Two runs that return the same rows in
 * the same order and types give the same fingerprint, which export requests can cite.
 */
final class ResultFingerprint {
  private final MessageDigest digest;

  ResultFingerprint(org.apache.arrow.vector.types.pojo.Schema schema) {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    digest.update(schema.serializeAsMessage());
  }

  void add(VectorSchemaRoot root) {
    digest.update(ByteBuffer.allocate(8).putLong(root.getRowCount()).flip());
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      List<ArrowBuf> buffers = batch.getBuffers();
      List<ArrowBuffer> layout = batch.getBuffersLayout();
      for (int i = 0; i < buffers.size(); i++) {
        long size = layout.get(i).getSize();
        digest.update(ByteBuffer.allocate(8).putLong(size).flip());
        if (size > 0) {
          digest.update(buffers.get(i).nioBuffer(0, (int) size));
        }
      }
    }
  }

  String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
