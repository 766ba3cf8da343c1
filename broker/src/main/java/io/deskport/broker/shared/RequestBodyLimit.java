package io.deskport.broker.shared;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@code deskport.api.max-request-body} with 413
 * {@code PAYLOAD_TOO_LARGE}: at once when the Content-Length says so (nothing is read), and when a body
 * without one (chunked) grows past the limit while it is read — the reader gets a
 * {@link BodyTooLarge}, which {@link ProblemHandler} answers the same way.
 */
class RequestBodyLimit extends OncePerRequestFilter {

    private final long requestLimit;
    private final long importLimit;

    RequestBodyLimit(ApiProperties properties) {
        this.requestLimit = properties.maxRequestBody().toBytes();
        this.importLimit = properties.maxImportBody().toBytes();
    }

    /** Read past the limit. An {@link IOException} so that every reader passes it on as a failed read. */
    static final class BodyTooLarge extends IOException {

        final long limit;

        BodyTooLarge(long limit) {
            super("The request body is larger than " + limit + " bytes", null);
            this.limit = limit;
        }
    }

    static String detail(long limit) {
        return "The request body is larger than the broker accepts (" + limit + " bytes)";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        long limit = ApiProperties.IMPORT_PATH.equals(request.getRequestURI()) ? importLimit : requestLimit;
        if (length > limit) {
            ProblemResponses.write(response, ProblemResponses.of(Reason.PAYLOAD_TOO_LARGE, detail(limit),
                    java.util.Map.of("maxRequestBodyBytes", limit), request.getRequestURI()));
            return;
        }
        chain.doFilter(length >= 0 ? request : new Capped(request, limit), response);
    }

    /** A request whose body stream fails once more than {@code limit} bytes have been read. */
    private static final class Capped extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Capped(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CappedStream(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            String charset = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class CappedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long limit;
        private long read;

        CappedStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > limit) {
                throw new BodyTooLarge(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
