package views

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// LetterLang is a language the family letters are printed in, besides French. Its words
// (month and day names, the interpreter sentence, the shared fields) are kept here with the
// templates: like them, they are machine-quality until a professional rereads them.
type LetterLang struct {
	// Code is the ISO 639-1 code used in the URLs (?lang=ar).
	Code string
	// Name is the language's name in French (the interface); Native its own name.
	Name, Native string
	RTL          bool
	// Aliases are how the guardian's home language may be typed on the file (lowercase,
	// without accents): the first is the French name.
	Aliases []string
	months  [12]string
	days    [7]string // Sunday first
	// date formats a day: weekday, day number, month name, year.
	date func(wd string, d int, m string, y int) string
	// Interpreter says that an interpreter will be there, or not.
	Interpreter [2]string // no, yes
	// Shared names what a partner sees of a referral (models.ReferralPupil, the guardians'
	// contact details, language and need of an interpreter as the referral page shows them, the
	// reason and request), in this order. TestConsentFormNamesWhatPartnersSee guards the list.
	Shared []string
}

// letterLangs lists the languages of the letters, French first.
var letterLangs = []LetterLang{
	{Code: "fr", Name: "français", Native: "Français", Aliases: []string{"francais", "french"},
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		days:   [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		date:   func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s %d %s %d", wd, d, m, y) },
		Interpreter: [2]string{"Il n'y aura pas d'interprète ; dites-nous si vous en souhaitez un.",
			"Un·e interprète sera présent·e."},
		Shared: []string{"le nom, le prénom et la date de naissance de l'élève", "sa classe et son établissement",
			"le nom, le lien avec l'élève, le téléphone, le courriel et la langue de chaque responsable légal, et s'il faut un·e interprète",
			"le motif de l'orientation et ce qui est demandé au partenaire"}},
	{Code: "ar", Name: "arabe", Native: "العربية", RTL: true, Aliases: []string{"arabic", "arabe maghrebin", "arabe dialectal", "darija"},
		months:      [12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		days:        [7]string{"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s %d %s %d", wd, d, m, y) },
		Interpreter: [2]string{"لن يكون هناك مترجم؛ أخبرونا إذا كنتم ترغبون في مترجم.", "سيكون هناك مترجم."},
		Shared: []string{"اسم التلميذ ولقبه وتاريخ ميلاده", "قسمه ومؤسسته",
			"اسم كل ولي أمر وصلته بالتلميذ وهاتفه وبريده الإلكتروني ولغته، وهل يحتاج إلى مترجم", "سبب التوجيه وما هو مطلوب من الشريك"}},
	{Code: "tr", Name: "turc", Native: "Türkçe", Aliases: []string{"turkish", "turkce"},
		months:      [12]string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"},
		days:        [7]string{"Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%d %s %d %s", d, m, y, wd) },
		Interpreter: [2]string{"Tercüman olmayacak; isterseniz bize bildirin.", "Bir tercüman bulunacak."},
		Shared: []string{"öğrencinin adı, soyadı ve doğum tarihi", "sınıfı ve okulu",
			"her velinin adı, öğrenciyle yakınlığı, telefonu, e-postası, dili ve tercümana ihtiyacı olup olmadığı", "yönlendirmenin nedeni ve ortaktan istenen"}},
	{Code: "pt", Name: "portugais", Native: "Português", Aliases: []string{"portuguese", "portugues"},
		months:      [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		days:        [7]string{"domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s, %d de %s de %d", wd, d, m, y) },
		Interpreter: [2]string{"Não haverá intérprete; diga-nos se deseja um.", "Estará presente um intérprete."},
		Shared: []string{"o nome, o apelido e a data de nascimento do aluno", "a turma e a escola",
			"o nome, a relação com o aluno, o telefone, o e-mail e a língua de cada encarregado de educação, e se precisa de intérprete",
			"o motivo do encaminhamento e o que é pedido ao parceiro"}},
	{Code: "ro", Name: "roumain", Native: "Română", Aliases: []string{"romanian", "romana"},
		months:      [12]string{"ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"},
		days:        [7]string{"duminică", "luni", "marți", "miercuri", "joi", "vineri", "sâmbătă"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s, %d %s %d", wd, d, m, y) },
		Interpreter: [2]string{"Nu va fi prezent un interpret; spuneți-ne dacă doriți unul.", "Va fi prezent un interpret."},
		Shared: []string{"numele, prenumele și data nașterii elevului", "clasa și școala",
			"numele, legătura cu elevul, telefonul, e-mailul și limba fiecărui părinte sau tutore, și dacă are nevoie de interpret",
			"motivul orientării și ce i se cere partenerului"}},
	{Code: "es", Name: "espagnol", Native: "Español", Aliases: []string{"spanish", "espanol", "castillan"},
		months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		days:        [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s %d de %s de %d", wd, d, m, y) },
		Interpreter: [2]string{"No habrá intérprete; díganos si desea uno.", "Habrá un intérprete."},
		Shared: []string{"el nombre, los apellidos y la fecha de nacimiento del alumno", "su clase y su centro",
			"el nombre, la relación con el alumno, el teléfono, el correo y el idioma de cada tutor legal, y si necesita intérprete",
			"el motivo de la derivación y lo que se pide al socio"}},
	{Code: "en", Name: "anglais", Native: "English", Aliases: []string{"english"},
		months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s %d %s %d", wd, d, m, y) },
		Interpreter: [2]string{"There will be no interpreter; tell us if you would like one.", "An interpreter will be there."},
		Shared: []string{"the pupil's surname, first name and date of birth", "their class and school",
			"the name, relationship, telephone, e-mail and language of each legal guardian, and whether an interpreter is needed",
			"the reason for the referral and what the partner is asked to do"}},
	{Code: "ru", Name: "russe", Native: "Русский", Aliases: []string{"russian"},
		months:      [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
		days:        [7]string{"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s, %d %s %d г.", wd, d, m, y) },
		Interpreter: [2]string{"Переводчика не будет; сообщите нам, если он вам нужен.", "Будет присутствовать переводчик."},
		Shared: []string{"фамилия, имя и дата рождения ученика", "его класс и учебное заведение",
			"имя, родство с учеником, телефон, электронная почта и язык каждого законного представителя, а также нужен ли переводчик",
			"причина направления и то, что просят сделать партнёра"}},
	{Code: "uk", Name: "ukrainien", Native: "Українська", Aliases: []string{"ukrainian"},
		months:      [12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
		days:        [7]string{"неділя", "понеділок", "вівторок", "середа", "четвер", "пʼятниця", "субота"},
		date:        func(wd string, d int, m string, y int) string { return fmt.Sprintf("%s, %d %s %d р.", wd, d, m, y) },
		Interpreter: [2]string{"Перекладача не буде; повідомте нас, якщо він вам потрібен.", "Буде присутній перекладач."},
		Shared: []string{"прізвище, імʼя та дата народження учня", "його клас і навчальний заклад",
			"імʼя, спорідненість з учнем, телефон, електронна пошта та мова кожного законного представника, а також чи потрібен перекладач",
			"причина направлення і те, що просять зробити партнера"}},
}

// LetterLangs lists the languages of the letters, French first.
func LetterLangs() []LetterLang { return letterLangs }

// LetterLangByCode finds a language of the letters by its code.
func LetterLangByCode(code string) (LetterLang, bool) {
	for _, l := range letterLangs {
		if l.Code == code {
			return l, true
		}
	}
	return LetterLang{}, false
}

// fold lowercases s and takes its accents off, to compare what was typed on a file.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

// LetterLangOf gives the code of the letters' language for a guardian's home language as typed
// on the file ("arabe", "Turc", "portugais du Brésil"…): the language whose French name,
// English name or code it is or starts with; "fr" when none matches.
func LetterLangOf(home string) string {
	h := fold(home)
	if h == "" {
		return "fr"
	}
	for _, l := range letterLangs {
		names := append([]string{fold(l.Name), l.Code}, l.Aliases...)
		for _, n := range names {
			if h == n || strings.HasPrefix(h, n+" ") {
				return l.Code
			}
		}
	}
	return "fr"
}

// Date prints a day in the language's convention (Europe/Paris).
func (l LetterLang) Date(t time.Time) string {
	return l.date(l.days[t.Weekday()], t.Day(), l.months[t.Month()-1], t.Year())
}

// Time prints an hour: « 14 h 30 » in French (no-break spaces), 14:30 elsewhere.
func (l LetterLang) Time(t time.Time) string {
	if l.Code == "fr" {
		return fmt.Sprintf("%d\u00a0h\u00a0%02d", t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute())
}
