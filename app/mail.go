package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"mediation/models"
)

// Mailer hands an e-mail to its way out: an SMTP server, or a folder of .eml files.
type Mailer interface {
	Send(ctx context.Context, m *gomail.Msg) error
}

// MailConfig is how e-mails leave: MEDIATION_SMTP_URL, MEDIATION_MAIL_FROM and
// MEDIATION_PUBLIC_URL (the address of the product, for the links).
type MailConfig struct {
	URL       string
	From      string
	PublicURL string
}

// smtpMailer sends through an SMTP server with go-mail: STARTTLS required on smtp://, implicit
// TLS on smtps://, no TLS only for a relay on the same host (?tls=none on 127.0.0.1).
type smtpMailer struct {
	host string
	opts []gomail.Option
}

func (s smtpMailer) Send(ctx context.Context, m *gomail.Msg) error {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}

// fileMailer writes each e-mail as an .eml file in a folder (serve --demo): a newcomer reads
// what would have been sent.
type fileMailer struct{ dir string }

func (f fileMailer) Send(_ context.Context, m *gomail.Msg) error {
	if err := os.MkdirAll(f.dir, 0o750); err != nil {
		return err
	}
	id := fmt.Sprintf("mail-%d", time.Now().UnixNano())
	if ids := m.GetGenHeader(gomail.HeaderMessageID); len(ids) > 0 {
		id = strings.Trim(ids[0], "<>")
	}
	name := filepath.Join(f.dir, strings.NewReplacer("@", "_", "/", "_").Replace(id)+".eml")
	out, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// NewMailer reads MEDIATION_SMTP_URL: nil (no e-mail) when empty; a clear French message for a
// malformed one or an unencrypted connection to another host.
func NewMailer(raw string) (Mailer, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	if dir, ok := strings.CutPrefix(raw, "file:"); ok {
		if dir == "" {
			return nil, fmt.Errorf("MEDIATION_SMTP_URL « file: » : indiquez un dossier, par exemple file:data/mail")
		}
		return fileMailer{dir: dir}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("MEDIATION_SMTP_URL invalide : smtp://utilisateur:motdepasse@serveur:587, smtps://… ou file:DOSSIER")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		switch tlsMode := u.Query().Get("tls"); tlsMode {
		case "":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "none":
			if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("MEDIATION_SMTP_URL : tls=none n'est permis que vers un relais sur la même machine (127.0.0.1), pas vers %s", u.Hostname())
			}
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("MEDIATION_SMTP_URL : tls=%s inconnu ; seul tls=none est possible, vers 127.0.0.1", tlsMode)
		}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("MEDIATION_SMTP_URL : port « %s » invalide", p)
		}
		port = n
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return smtpMailer{host: u.Hostname(), opts: opts}, nil
}

// composeMail builds the e-mail of a stored message: From, To, Subject, Date, Message-ID, one
// plain-text part in UTF-8.
func (a *App) composeMail(m models.MailMessage, now time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(a.Config.Mail.From); err != nil {
		return nil, fmt.Errorf("MEDIATION_MAIL_FROM « %s » invalide : %w", a.Config.Mail.From, err)
	}
	if err := msg.To(m.ToAddress); err != nil {
		return nil, fmt.Errorf("adresse du destinataire invalide : %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	host := "mediation.local"
	if u, err := url.Parse(a.Config.Mail.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	msg.SetMessageIDWithValue(fmt.Sprintf("mail-%d-%d@%s", m.ID, m.CreatedAt.Unix(), host))
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

// publicLink is a page's address for an e-mail: the product's public address and the path.
func (a *App) publicLink(path string) string {
	return strings.TrimRight(a.Config.Mail.PublicURL, "/") + path
}
