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
 * </ul>
 *
 * <p>Class literals, not names: a library that goes away breaks the compile here, not the native build.
 */
@RegisterForReflection(targets = {
        MessageServiceFactoryImpl.class,
})
public final class NativeRegistrations {
    private NativeRegistrations() {
    }
}
