package io.deskport.broker.hosts;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.deskport.broker.shared.ProblemException;

/**
 * Checks an application's icon: a {@code data:} URL of a PNG or an SVG, base64, at most {@link #MAX_BYTES}
 * decoded. A PNG must be one (its signature and header chunk), at most {@link #MAX_SIDE} pixels a side; an SVG must
 * be well-formed XML whose root is {@code svg}, without a DOCTYPE (no entities), scripts, event attributes,
 * {@code foreignObject} or references outside itself. Portals show icons as images; these rules keep an icon an
 * image wherever else it is opened.
 */
final class ApplicationIcons {

    static final int MAX_BYTES = 48 * 1024;
    static final int MAX_SIDE = 512;
    private static final Pattern DATA_URL = Pattern.compile("data:(image/png|image/svg\\+xml);base64,([A-Za-z0-9+/=]+)");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    private ApplicationIcons() {
    }

    /**
     * @return the icon as given (null stays null)
     * @throws ProblemException VALIDATION_FAILED on field {@code icon}, saying what is wrong
     */
    static String check(String icon) {
        if (icon == null) {
            return null;
        }
        Matcher m = DATA_URL.matcher(icon);
        if (!m.matches()) {
            throw refused("must be a data URL of a PNG or SVG image in base64 (data:image/png;base64,… or "
                    + "data:image/svg+xml;base64,…)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw refused("is not valid base64");
        }
        if (bytes.length == 0) {
            throw refused("is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw refused("is " + bytes.length + " bytes; at most " + MAX_BYTES + " bytes are allowed");
        }
        if (m.group(1).equals("image/png")) {
            checkPng(bytes);
        } else {
            checkSvg(bytes);
        }
        return icon;
    }

    private static void checkPng(byte[] b) {
        if (b.length < 33 || !java.util.Arrays.equals(b, 0, 8, PNG_SIGNATURE, 0, 8)
                || !new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("IHDR")) {
            throw refused("is not a PNG image");
        }
        ByteBuffer header = ByteBuffer.wrap(b, 16, 8);
        int width = header.getInt();
        int height = header.getInt();
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw refused("is " + Integer.toUnsignedString(width) + "×" + Integer.toUnsignedString(height)
                    + " pixels; at most " + MAX_SIDE + "×" + MAX_SIDE + " are allowed");
        }
    }

    private static void checkSvg(byte[] b) {
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // refusals are answered, not printed
            root = builder.parse(new ByteArrayInputStream(b)).getDocumentElement();
        } catch (Exception e) {
            throw refused("is not a well-formed SVG image (a DOCTYPE is not allowed)");
        }
        if (!"svg".equals(root.getLocalName()) || !SVG_NS.equals(root.getNamespaceURI())) {
            throw refused("is not an SVG image: its root element must be svg in the SVG namespace");
        }
        checkSvgElement(root);
    }

    private static void checkSvgElement(Element e) {
        String name = e.getLocalName() == null ? e.getTagName() : e.getLocalName();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("script") || lower.equals("foreignobject") || lower.equals("iframe")) {
            throw refused("contains a " + name + " element; icons are images only");
        }
        if (lower.equals("style")) {
            String css = e.getTextContent().toLowerCase(Locale.ROOT);
            if (css.contains("url(") || css.contains("@import")) {
                throw refused("has a style that loads something; icons must be self-contained");
            }
        }
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node a = attributes.item(i);
            String attr = (a.getLocalName() == null ? a.getNodeName() : a.getLocalName()).toLowerCase(Locale.ROOT);
            String value = a.getNodeValue().strip().toLowerCase(Locale.ROOT);
            if (attr.startsWith("on")) {
                throw refused("has an event attribute (" + a.getNodeName() + "); icons are images only");
            }
            if ((attr.equals("href") || attr.equals("src")) && !value.startsWith("#")) {
                throw refused("refers to something outside itself (" + a.getNodeName() + "); icons must be self-contained");
            }
            if (value.contains("javascript:") || value.contains("url(http") || value.contains("@import")) {
                throw refused("refers to something outside itself; icons must be self-contained");
            }
        }
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                checkSvgElement(child);
            }
        }
    }

    private static ProblemException refused(String message) {
        return ProblemException.validation("icon", message);
    }
}
