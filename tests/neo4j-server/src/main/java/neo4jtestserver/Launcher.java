package neo4jtestserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;
import org.neo4j.string.UTF8;

/**
 * A throwaway Neo4j Community DBMS with Bolt on 127.0.0.1 and a free port, for tests.
 *
 * Protocol with the parent process:
 * - stdin, first line: the password for user "neo4j" (never argv, so it is not in `ps`);
 *   afterwards stdin is only watched: EOF (the parent closed it or died) stops the JVM.
 * - stdout: exactly one line "READY bolt://127.0.0.1:PORT" once Bolt accepts connections.
 * - stderr: diagnostics. Neo4j's own logs go to the temporary home directory.
 * Exit: a shutdown hook shuts the DBMS down and deletes the temporary directory.
 */
public final class Launcher {
    private static volatile DatabaseManagementService dbms;
    private static volatile Path home;

    public static void main(String[] args) throws Exception {
        // Neo4j or its libraries must not write on the stdout we use for the READY line.
        PrintStream out = System.out;
        System.setOut(System.err);

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = stdin.readLine();
        if (password == null || password.length() < 8) {
            System.err.println("neo4j-test-server: expected a password of at least 8 characters on the first stdin line");
            System.exit(2);
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::stop, "neo4j-test-server-shutdown"));
        Thread watchdog = new Thread(() -> {
            try {
                while (stdin.read() != -1) {
                    // anything after the password is ignored; only EOF matters
                }
            } catch (IOException ignored) {
                // a broken pipe is the parent going away too
            }
            System.exit(0);
        }, "neo4j-test-server-stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        long t0 = System.nanoTime();
        home = Files.createTempDirectory("neo4j-test-server-");
        setInitialPassword(home, password);
        SocketAddress loopback = new SocketAddress("127.0.0.1", 0);
        dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, loopback)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Bolt's graceful shutdown waits out a 5 s netty quiet period by default: a
                // throwaway test server has nothing to drain, so stop (almost) at once.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        log("DBMS started", t0);

        GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        ConnectorPortRegister ports = ((GraphDatabaseAPI) neo4j).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class);
        var bolt = ports.getLocalAddress(ConnectorType.BOLT);
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", bolt.getPort()), 10_000);
        }
        out.println("READY bolt://127.0.0.1:" + bolt.getPort());
        out.flush();
        watchdog.join();
    }

    /**
     * What `neo4j-admin dbms set-initial-password` does: an initial auth file that the system
     * database takes user "neo4j" from when it is first created, so Bolt never accepts the
     * default neo4j/neo4j, not even for a moment.
     */
    private static void setInitialPassword(Path home, String password) throws Exception {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path authFile = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        FileUserRepository users = new FileUserRepository(new DefaultFileSystemAbstraction(), authFile,
                NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
        users.start();
        users.create(new User("neo4j", null,
                SystemGraphCredential.createCredentialForPassword(UTF8.encode(password), new SecureHasher()),
                false, false));
        users.shutdown();
    }

    private static void log(String what, long since) {
        System.err.printf("neo4j-test-server: %s after %d ms%n", what, (System.nanoTime() - since) / 1_000_000);
    }

    private static void stop() {
        long t0 = System.nanoTime();
        DatabaseManagementService running = dbms;
        if (running != null) {
            try {
                running.shutdown();
                log("DBMS shut down", t0);
            } catch (Throwable e) {
                System.err.println("neo4j-test-server: shutdown failed: " + e);
            }
        }
        Path dir = home;
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("neo4j-test-server: could not delete " + dir + ": " + e);
            }
        }
    }
}
