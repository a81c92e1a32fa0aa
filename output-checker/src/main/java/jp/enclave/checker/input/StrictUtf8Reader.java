package jp.enclave.checker.input;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import jp.enclave.checker.Refusal;

/**
 * Decodes UTF-8 strictly in one pass and, on the first invalid sequence or NUL byte, fails with
 * the byte offset and line. A JDK InputStreamReader would either replace bad bytes silently or
 * throw without saying where, and mixed-encoding files (UTF-8 with a Shift_JIS paste) are common.
 */
final class StrictUtf8Reader extends Reader {

  /** Carries a refusal through the Reader API, which only allows IOException. */
  static final class Refused extends IOException {
    final Refusal refusal;

    Refused(Refusal refusal) {
      super(refusal.getMessage());
      this.refusal = refusal;
    }
  }

  private final InputStream in;
  private final String file;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
  private final CharBuffer chars = CharBuffer.allocate(64 * 1024);
  private long consumedBytes;
  private long line = 1;
  private boolean eof;
  private boolean first = true;

  StrictUtf8Reader(InputStream in, String file) {
    this.in = in;
    this.file = file;
    bytes.flip();
    chars.flip();
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!chars.hasRemaining()) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, chars.remaining());
    chars.get(cbuf, off, n);
    return n;
  }

  private boolean fill() throws IOException {
    if (eof && !bytes.hasRemaining()) {
      return false;
    }
    bytes.compact();
    if (!eof) {
      int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
      if (r < 0) {
        eof = true;
      } else {
        bytes.position(bytes.position() + r);
      }
    }
    bytes.flip();
    if (first) {
      first = false;
      skipBom();
    }
    chars.clear();
    int startPos = bytes.position();
    CoderResult result = decoder.decode(bytes, chars, eof);
    if (eof && !result.isError()) {
      result = decoder.flush(chars);
    }
    chars.flip();
    for (int i = 0; i < chars.limit(); i++) {
      char c = chars.get(i);
      if (c == '\n') {
        line++;
      } else if (c == 0) {
        throw new Refused(InputRefusal.binaryInText(file, consumedBytes + byteOffsetOfChar(startPos, i), line));
      }
    }
    if (result.isError()) {
      long offset = consumedBytes + (bytes.position() - startPos);
      throw new Refused(InputRefusal.badEncoding(file, offset, line, guess(bytes)));
    }
    consumedBytes += bytes.position() - startPos;
    return chars.hasRemaining() || !(eof && !bytes.hasRemaining());
  }

  /** Byte offset of a decoded char inside the current chunk (only used for the NUL message). */
  private long byteOffsetOfChar(int startPos, int charIndex) {
    CharBuffer prefix = CharBuffer.wrap(chars.array(), 0, charIndex);
    return StandardCharsets.UTF_8.encode(prefix).remaining();
  }

  private void skipBom() throws IOException {
    if (bytes.remaining() >= 2) {
      int b0 = bytes.get(bytes.position()) & 0xff;
      int b1 = bytes.get(bytes.position() + 1) & 0xff;
      if ((b0 == 0xfe && b1 == 0xff) || (b0 == 0xff && b1 == 0xfe)) {
        throw new Refused(InputRefusal.utf16(file));
      }
    }
    if (bytes.remaining() >= 3 && (bytes.get(0) & 0xff) == 0xef && (bytes.get(1) & 0xff) == 0xbb
        && (bytes.get(2) & 0xff) == 0xbf) {
      bytes.position(3);
      consumedBytes = 3;
    }
  }

  /** Names the likely encoding of the offending bytes so the researcher knows what to fix. */
  private static String guess(ByteBuffer at) {
    int n = Math.min(at.remaining(), 32);
    byte[] sample = new byte[n];
    at.duplicate().get(sample);
    for (String name : new String[] {"Shift_JIS", "EUC-JP"}) {
      if (Charset.isSupported(name) && decodesCleanly(sample, Charset.forName(name))) {
        return name;
      }
    }
    return "";
  }

  private static boolean decodesCleanly(byte[] sample, Charset cs) {
    CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    // The sample may end mid-character; trim up to 2 bytes before giving up.
    for (int cut = 0; cut <= 2 && cut < sample.length; cut++) {
      try {
        CharBuffer cb = d.reset().decode(ByteBuffer.wrap(sample, 0, sample.length - cut));
        boolean hasJapanese = cb.chars().anyMatch(c -> c >= 0x3000);
        if (hasJapanese) {
          return true;
        }
      } catch (java.nio.charset.CharacterCodingException e) {
        // try a shorter sample
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
