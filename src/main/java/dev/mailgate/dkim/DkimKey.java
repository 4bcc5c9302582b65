package dev.mailgate.dkim;

import java.security.PrivateKey;

/** A signing key for one domain and selector. */
public record DkimKey(String domain, String selector, PrivateKey privateKey) {

    public boolean ed25519() {
        String alg = privateKey.getAlgorithm();
        return alg.equalsIgnoreCase("Ed25519") || alg.equalsIgnoreCase("EdDSA");
    }
}
