package dev.mailgate.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.james.mime4j.message.MessageServiceFactoryImpl;

/**
 * Reflection the GraalVM native image needs and no Quarkus extension registers: classes that libraries
 * instantiate by name. One place for the whole application; resources and build arguments that go with
 * these entries are the {@code quarkus.native.*} keys in {@code application.properties}. See native/README.md
 * for what to add with new libraries.
 *
 * <ul>
 *   <li>mime4j-dom has its own {@code ServiceLoader}: {@code MessageServiceFactory.newInstance()} reads
 *       {@code META-INF/services/org.apache.james.mime4j.dom.MessageServiceFactory} and instantiates the named
 *       class reflectively (the resource is included through {@code quarkus.native.resources.includes}).
 *       {@code DefaultAddressParser} (From:/Sender: checks) is a plain JavaCC parser and needs nothing.</li>
 *   <li>Jakarta Mail (Angus Mail) composes the API's JSON messages: jakarta.activation finds the
 *       {@code DataContentHandler} of each part by name in {@code META-INF/mailcap} (text/plain, text/html,
 *       multipart/*). Angus ships the resource configuration for its own files (mailcap, providers).
 *       {@code MimeComposer} names Angus' {@code StreamProvider} in a system property, which Jakarta Mail then
 *       instantiates by name.</li>
 * </ul>
 *
 * <p>Class literals, not names: a library that goes away breaks the compile here, not the native build.
 */
@RegisterForReflection(
        targets = {
            MessageServiceFactoryImpl.class,
            org.eclipse.angus.mail.handlers.text_plain.class,
            org.eclipse.angus.mail.handlers.text_html.class,
            org.eclipse.angus.mail.handlers.multipart_mixed.class,
            org.eclipse.angus.mail.util.MailStreamProvider.class,
        })
public final class NativeRegistrations {
    private NativeRegistrations() {}
}
