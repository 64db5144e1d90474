// Package app builds the application once: database, template cache, Echo with its
// middleware, routes and error handler. There is no package-level state: everything hangs off
// the App value, so that tests build as many as they like.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"mediation/handlers"
	"mediation/migrations"
	"mediation/models"
	"mediation/models/reports"
	"mediation/views"
)

// Config is what the command line and the environment decide.
type Config struct {
	// DatabaseURL is "sqlite:PATH" or a postgres:// URL (MEDIATION_DATABASE_URL, --database).
	DatabaseURL string
	// Addr is the listening address (MEDIATION_ADDR, --addr).
	Addr string
	// TrustedProxies lists the addresses or CIDR ranges of reverse proxies whose
	// X-Forwarded-For may be believed. Empty: the client address is the TCP peer, unspoofable.
	TrustedProxies []string
	// MaxDBConns bounds the PostgreSQL pool.
	MaxDBConns int
	// MaxInFlight is how many requests work at once (the others wait their turn): 0 for the
	// default, four per core; negative for no bound. InFlightWait is how long a request waits
	// for its turn before a 503 (DefaultInFlightWait when zero).
	MaxInFlight  int
	InFlightWait time.Duration
	// Logger receives the structured logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests pass a fixed one.
	Now func() time.Time
	// ShutdownTimeout bounds the wait for in-flight requests at shutdown.
	ShutdownTimeout time.Duration
	// SessionIdle ends a session unused for that long (default 30 minutes); SessionLifetime
	// ends any session that old (default 12 hours).
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// SecureCookies marks the cookies Secure: set it when the site is served over TLS.
	SecureCookies bool
	// Throttle limits failed logins; zero means models.DefaultThrottle.
	Throttle models.Throttle
	// ReportMaxAge: the current year's metropolitan figures are refreshed, in the background,
	// when their data changed and they are older than that (default 5 minutes).
	ReportMaxAge time.Duration
	// Hashing bounds and prices password hashing; its zero value is production's (Argon2id
	// 46 MiB, t=2, two at once, 5 s of waiting at most). Tests pass cheap parameters here.
	Hashing models.HasherConfig
	// Mail is how e-mails leave (MEDIATION_SMTP_URL, MEDIATION_MAIL_FROM, MEDIATION_PUBLIC_URL);
	// without a URL nothing is sent and nothing is lost: the notifications wait in the product.
	Mail MailConfig
	// Mailer, when set, replaces the one Mail.URL describes (tests).
	Mailer Mailer
	// JobRetry, when set, replaces River's backoff between attempts of a failed job (tests:
	// milliseconds instead of seconds to minutes).
	JobRetry func(attempt int) time.Duration
}

// Defaults of the configuration.
const (
	DefaultAddr            = "127.0.0.1:8080"
	DefaultShutdownTimeout = 20 * time.Second
	// bodyLimit bounds a request body; importBodyLimit an import upload: the file and the
	// rest of its multipart form.
	bodyLimit       = 2 << 20
	importBodyLimit = handlers.ImportMaxBytes + 1<<20
)

func (c *Config) setDefaults() {
	if c.DatabaseURL == "" {
		c.DatabaseURL = models.DefaultDatabaseURL
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Mail.From == "" {
		c.Mail.From = "Médiation scolaire <ne-pas-repondre@mediation.invalid>"
	}
	if c.Mail.PublicURL == "" {
		c.Mail.PublicURL = "http://" + c.Addr
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 30 * time.Minute
	}
	if c.SessionLifetime <= 0 {
		c.SessionLifetime = 12 * time.Hour
	}
	if c.Throttle.Max <= 0 || c.Throttle.Window <= 0 {
		c.Throttle = models.DefaultThrottle
	}
	if c.Throttle.AddressMax <= 0 {
		c.Throttle.AddressMax = models.DefaultThrottle.AddressMax
	}
}

// App is the running application.
type App struct {
	Config   Config
	DB       *gorm.DB
	DBURL    models.DatabaseURL
	Views    *views.Views
	Sessions *scs.SessionManager
	Echo     *echo.Echo
	Log      *slog.Logger
	// Hasher computes every password hash and check of the application, a few at a time.
	Hasher *models.Hasher
	// Snapshots serves the metropolitan figures and the annual reviews from their snapshots and
	// refreshes them.
	Snapshots *reports.Snapshots
	// Mailer sends the e-mails; nil when none is configured.
	Mailer Mailer
}

// New opens the database, makes sure its schema is current (migrating the embedded SQLite by
// itself; on PostgreSQL refusing an out-of-date schema), parses the templates and builds the
// router. Every failure is one French sentence.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg.setDefaults()
	extractor, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	db, u, err := openReady(ctx, cfg)
	if err != nil {
		return nil, err
	}
	v, err := views.New()
	if err != nil {
		models.Close(db)
		return nil, err
	}
	secrets, err := models.LoadLoginSecrets(ctx, db, cfg.Now())
	if err != nil {
		models.Close(db)
		return nil, fmt.Errorf("lecture de la clé de connexion impossible : %w", err)
	}
	mailer := cfg.Mailer
	if mailer == nil {
		if mailer, err = NewMailer(cfg.Mail.URL); err != nil {
			models.Close(db)
			return nil, err
		}
	}
	a := &App{Config: cfg, DB: db, DBURL: u, Views: v, Log: cfg.Logger, Sessions: newSessions(db, cfg), Mailer: mailer,
		Hasher: models.NewHasher(cfg.Hashing), Snapshots: reports.NewSnapshots(db, cfg.Now, cfg.ReportMaxAge, cfg.Logger)}
	a.Echo = a.router(extractor, secrets)
	return a, nil
}

// Close waits for the background refreshes of the reports, then releases the database.
func (a *App) Close() error {
	a.Snapshots.Wait()
	return models.Close(a.DB)
}

func openDatabase(ctx context.Context, cfg Config) (*gorm.DB, models.DatabaseURL, error) {
	u, err := models.ParseDatabaseURL(cfg.DatabaseURL)
	if err != nil {
		return nil, u, InFrench(err)
	}
	db, err := models.Open(ctx, u, models.OpenOptions{MaxOpenConns: cfg.MaxDBConns, Logger: cfg.Logger, Now: cfg.Now})
	return db, u, InFrench(err)
}

// openReady opens the database and makes sure its schema is the program's (ensureSchema); the
// caller closes it.
func openReady(ctx context.Context, cfg Config) (*gorm.DB, models.DatabaseURL, error) {
	db, u, err := openDatabase(ctx, cfg)
	if err != nil {
		return nil, u, err
	}
	if err := ensureSchema(ctx, db, u, cfg.Logger); err != nil {
		models.Close(db)
		return nil, u, err
	}
	return db, u, nil
}

// ensureSchema migrates SQLite, the embedded default that nobody administers, and only checks
// PostgreSQL, whose migrations an operator runs on purpose before starting the new version.
func ensureSchema(ctx context.Context, db *gorm.DB, u models.DatabaseURL, log *slog.Logger) error {
	if u.Dialect == models.DialectSQLite {
		applied, err := migrations.Migrate(ctx, db)
		if err != nil {
			return fmt.Errorf("migration de la base SQLite %s impossible : %w", u.Path, err)
		}
		if len(applied) > 0 {
			log.Info("database migrated", "applied", applied)
		}
		return nil
	}
	st, err := migrations.CurrentStatus(ctx, db)
	if err != nil {
		return fmt.Errorf("lecture du schéma de %s impossible : %w", u, err)
	}
	switch {
	case len(st.Unknown) > 0:
		return fmt.Errorf("le schéma de %s a été migré par une version plus récente du programme (%s) : mettez le programme à jour", u, strings.Join(st.Unknown, ", "))
	case len(st.Pending) > 0:
		return fmt.Errorf("le schéma de %s n'est pas à jour (%d migration(s) en attente : %s) : lancez « mediation migrate » puis redémarrez", u, len(st.Pending), strings.Join(st.Pending, ", "))
	}
	return nil
}

// router builds Echo with the middleware every request goes through, then the routes.
func (a *App) router(extractor echo.IPExtractor, secrets models.LoginSecrets) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = extractor
	h := &handlers.Handlers{DB: a.DB, Views: a.Views, Log: a.Log, Now: a.Config.Now, Sessions: a.Sessions,
		Throttle: a.Config.Throttle, Hasher: a.Hasher, LoginSecrets: secrets, IdleTimeout: a.Config.SessionIdle, Lifetime: a.Config.SessionLifetime,
		SecureCookies: a.Config.SecureCookies, Snapshots: a.Snapshots, Importers: map[string]handlers.Importer{}, MailEnabled: a.Mailer != nil}
	for kind, run := range Importers {
		h.Importers[kind] = run
	}
	e.HTTPErrorHandler = h.HandleError
	// The session is read from the database before any handler runs: its failure (an outage)
	// goes through the same error handler, so that it is a French 503 and not scs's plain 500.
	// The request carries its Echo context (keepEchoContext) so that the error page is the
	// usual one, with the request id and the CSRF token of its forms.
	//
	// A failure to save the session comes when the page is first written, or after the handler
	// when it wrote nothing: the error page then goes to w, the writer outside the session
	// manager, since writing through the session manager's would try to save it again, and
	// fail again, without end.
	a.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		res, isEcho := w.(*echo.Response)
		if isEcho && res.Committed && !handlers.ClientGone(r) {
			a.Log.Error("session not saved", "error", models.RedactedError(err))
			return
		}
		c, ok := r.Context().Value(echoContextKey{}).(echo.Context)
		if !ok || !isEcho {
			h.HandleError(err, e.NewContext(r, w))
			return
		}
		c.SetResponse(res)
		h.HandleError(err, c)
		// The answer is the error page: what the page writes after it goes nowhere.
		done := echo.NewResponse(discard{http.Header{}}, e)
		done.Status, done.Committed = res.Status, true
		c.SetResponse(done)
	}

	e.Pre(dropForeignRequestID)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: newRequestID}))
	e.Use(requestLogger(a.Log))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: true, DisablePrintStack: true}))
	if n := a.Config.MaxInFlight; n >= 0 {
		if n == 0 {
			n = defaultMaxInFlight()
		}
		e.Use(limitInFlight(n, cmp.Or(a.Config.InFlightWait, DefaultInFlightWait)))
	}
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            63072000,
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	}))
	e.Use(noStore)
	// No route is exempt from a body limit; the import upload has a larger one of its own.
	e.Use(h.LimitBodies(bodyLimit, map[string]int64{"POST /admin/imports": importBodyLimit}))
	e.Use(keepEchoContext)

	e.GET("/healthz", h.Healthz)
	e.GET("/readyz", h.Readyz)
	static := e.Group("/static", cacheStatic)
	static.StaticFS("/", views.Static())
	a.routes(e, h)
	return e
}

// discard is a response writer that writes nowhere.
type discard struct{ header http.Header }

func (d discard) Header() http.Header       { return d.header }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// contentSecurityPolicy allows our own scripts and styles only: no inline script, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// ipExtractor believes X-Forwarded-For only from the configured proxies; without them the
// client address is the TCP peer, which a client cannot forge.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, given := range trusted {
		cidr := strings.TrimSpace(given)
		if ip := net.ParseIP(cidr); ip != nil && ip.To4() != nil {
			cidr += "/32"
		} else if ip != nil {
			cidr += "/128"
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("proxy de confiance « %s » invalide : donnez une adresse IP ou une plage CIDR", strings.TrimSpace(given))
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

var requestIDShape = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// dropForeignRequestID keeps an incoming X-Request-ID only when it looks like one, so that a
// client cannot write arbitrary text into the logs.
func dropForeignRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id := c.Request().Header.Get(echo.HeaderXRequestID); id != "" && !requestIDShape.MatchString(id) {
			c.Request().Header.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// requestLogger writes one structured line per request: id, method, path (never the query,
// which may hold a searched name, and with the value of any :token parameter masked: an import
// token is a capability), status, duration.
func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogStatus:    true,
		LogMethod:    true,
		LogURIPath:   true,
		LogLatency:   true,
		LogRequestID: true,
		LogRemoteIP:  true,
		LogError:     true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", logPath(c, v.URIPath)), slog.Int("status", v.Status),
				slog.Float64("duration_ms", float64(v.Latency.Microseconds())/1000), slog.String("ip", v.RemoteIP),
			}
			// A client that went away (499) is no error of the server's.
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// logPath is the request's path with the values of the route's token parameters masked.
func logPath(c echo.Context, path string) string {
	for i, name := range c.ParamNames() {
		if strings.Contains(name, "token") && i < len(c.ParamValues()) && c.ParamValues()[i] != "" {
			path = strings.Replace(path, c.ParamValues()[i], "…", 1)
		}
	}
	return path
}

// echoContextKey carries a request's Echo context in its context.Context.
type echoContextKey struct{}

// keepEchoContext puts the Echo context in the request's context, for the code that only sees
// the http.Request (the session manager's error function).
func keepEchoContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), echoContextKey{}, c)))
		return next(c)
	}
}

// noStore keeps pages, which may hold nominative data, out of every cache.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

func cacheStatic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return next(c)
	}
}
