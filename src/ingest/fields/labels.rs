//! The label table of [`super`]: every label word, per field, in English,
//! German, French, Spanish, Portuguese, Italian, Dutch and Japanese. Keys are
//! compared after [`label_key`] (lower case, markup gone), so each
//! label is written here once, in lower case.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Name,
    /// A label that is also a transcript speaker ("Visitor", "Customer"): stricter values.
    NameStrict,
    Email,
    Phone,
    PageUrl,
    /// "Started on": a page URL, or else a start date.
    StartedOn,
    PageTitle,
    Reason,
    Confidence,
    Question,
    Promise,
    Started,
    Escalated,
    Bot,
}

/// Normalise a candidate label: lower case, markup and bullets gone, spaces collapsed.
fn label_key(raw: &str) -> String {
    let t = raw
        .trim_start_matches(|c: char| "*_#>•·|[]-".contains(c) || c.is_whitespace())
        .trim_end_matches(|c: char| "*_:：|]".contains(c) || c.is_whitespace());
    let mut out = String::with_capacity(t.len());
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            if c == '’' {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// True when `name` is a field label ("Seitentitel", "Inicio"): such lines are not speakers.
pub fn is_label(name: &str) -> bool {
    lookup(name).is_some()
}

pub(super) fn lookup(raw: &str) -> Option<Field> {
    if raw.len() > 48 {
        return None;
    }
    LABELS.get(label_key(raw).as_str()).copied()
}

static LABELS: LazyLock<HashMap<&'static str, Field>> = LazyLock::new(|| {
    use Field::*;
    let table: &[(Field, &str)] = &[
        (
            Name,
            "name|visitor name|visitor's name|customer name|full name|contact name|your name|\
            lead name|client name|contact|kundenname|vollständiger name|name des besuchers|\
            besuchername|nom|nom complet|nom du visiteur|nom du client|prénom et nom|nombre|\
            nombre completo|nombre del visitante|nombre del cliente|nome|nome completo|nome do visitante|nome do cliente|seu nome|\
            nome e cognome|nome del visitatore|nome cliente|il tuo nome|naam|volledige naam|naam bezoeker|\
            naam van de bezoeker|naam klant|uw naam|je naam|名前|お名前|氏名|訪問者名|お客様名|顧客名",
        ),
        (
            NameStrict,
            "visitor|customer|client|user|lead|besucher|kunde|kundin|visiteur|\
            visiteuse|visitante|cliente|usuario|usuário|utilizador|visitatore|utente|bezoeker|klant|\
            gebruiker",
        ),
        (
            Email,
            "email|e-mail|e mail|mail|email address|e-mail address|visitor email|customer email|\
            contact email|your email|e-mail-adresse|email-adresse|emailadresse|mailadresse|\
            courriel|adresse e-mail|adresse email|adresse électronique|correo|correo electrónico|\
            correo electronico|dirección de correo|email del visitante|endereço de e-mail|endereço de email|\
            e-mail do visitante|seu e-mail|indirizzo email|indirizzo e-mail|posta elettronica|\
            e-mailadres|emailadres|e-mail adres|メールアドレス|メール|eメール|電子メール|メールアドレス（確認用）",
        ),
        (
            Phone,
            "phone|tel|tel.|telephone|phone number|telephone number|mobile|cell|visitor phone|\
            customer phone|contact phone|telefon|telefonnummer|handy|mobil|mobilnummer|\
            rückrufnummer|téléphone|tél|tél.|numéro de téléphone|portable|teléfono|telefono|\
            móvil|movil|celular|número de teléfono|telefone|telemóvel|número de telefone|\
            cellulare|numero di telefono|telefoon|telefoonnummer|mobiel|mobiel nummer|電話番号|電話|\
            携帯電話|携帯電話番号|連絡先電話番号",
        ),
        (
            PageUrl,
            "page|url|page url|page link|source page|website|web page|webpage|landing page|\
            current page|chat page|seite|seiten-url|webseite|url der seite|adresse de la page|\
            page web|página|pagina|página web|url de la página|url da página|url della pagina|pagina web|\
            url van de pagina|webpagina|ページ|ページurl|閲覧ページ|参照元ページ|チャット開始ページ",
        ),
        (
            StartedOn,
            "started on|chat started on|conversation started on|gestartet auf|démarré sur|\
            commencé sur|iniciado en|iniciada en|iniciado em|iniciada em|iniziata su|gestart op pagina|開始ページ",
        ),
        (
            PageTitle,
            "page title|title|seitentitel|titel|titre de la page|titre|título de la página|\
            titulo de la pagina|título|título da página|titolo|titolo della pagina|paginatitel|ページタイトル",
        ),
        (
            Reason,
            "reason|escalation reason|handoff reason|hand-off reason|handover reason|\
            transfer reason|reason for handoff|reason for escalation|why|grund|eskalationsgrund|\
            übergabegrund|grund der übergabe|raison|motif|raison de l'escalade|\
            motif du transfert|raison du transfert|motivo|razón|razon|motivo de escalado|\
            motivo de la transferencia|motivo de escalamiento|razão|motivo da transferência|\
            motivo do encaminhamento|motivo da escalação|ragione|motivo del trasferimento|\
            motivo dell'escalation|reden|reden van overdracht|reden voor escalatie|理由|引き継ぎ理由|\
            エスカレーション理由|転送理由",
        ),
        (
            Confidence,
            "confidence|bot confidence|confidence score|konfidenz|sicherheit|confiance|\
            indice de confiance|confianza|nivel de confianza|confiança|nível de confiança|confidenza|\
            livello di confidenza|betrouwbaarheid|zekerheid|信頼度|確信度",
        ),
        (
            Question,
            "question|unanswered question|last question|open question|visitor question|\
            customer question|visitor's question|query|frage|unbeantwortete frage|offene frage|\
            letzte frage|question sans réponse|question non résolue|question du visiteur|\
            pregunta|pregunta sin respuesta|pregunta del visitante|pergunta|pergunta sem resposta|\
            pergunta do visitante|dúvida|domanda|domanda senza risposta|domanda del visitatore|vraag|\
            onbeantwoorde vraag|vraag van de bezoeker|laatste vraag|質問|未回答の質問|最後の質問|\
            お問い合わせ内容",
        ),
        (
            Promise,
            "promise|we told the visitor|what we told the visitor|promised|promised response|\
            response promise|expectation|versprechen|zusage|dem besucher gesagt|\
            wir haben dem besucher gesagt|promesse|engagement|nous avons dit au visiteur|promesa|\
            le dijimos al visitante|compromiso|promessa|belofte|toezegging",
        ),
        (
            Started,
            "started|started at|chat started|conversation started|start time|start|gestartet|\
            gestartet am|beginn|begonnen|chatbeginn|start am|début|commencé|commencé le|démarré|\
            démarré le|début de la conversation|inicio|iniciado|iniciado el|comenzó|\
            inicio de la conversación|início|início da conversa|inizio|iniziata|iniziata il|\
            inizio conversazione|gestart|begonnen|begonnen op|開始|開始日時|開始時刻|チャット開始|\
            会話開始",
        ),
        (
            Escalated,
            "escalated|escalated at|escalation time|handed off|handed off at|handoff time|\
            transferred|transferred at|requested at|eskaliert|eskaliert am|übergeben|\
            übergeben am|weitergeleitet am|escaladé|escaladé le|transféré|transféré le|escalado|\
            escalado el|transferido|transferido el|escalado em|transferido em|encaminhado em|\
            trasferita|trasferita il|inoltrata il|overgedragen|overgedragen op|doorgestuurd op|\
            geëscaleerd|geëscaleerd op|引き継ぎ日時|エスカレーション日時|転送日時",
        ),
        (
            Bot,
            "bot|chatbot|bot name|assistant|asistente|assistent|robot|robô|assistente|ボット|\
            チャットボット|ボット名|アシスタント",
        ),
    ];
    let mut m = HashMap::new();
    for (f, names) in table {
        for n in names.split('|').map(str::trim).filter(|n| !n.is_empty()) {
            m.insert(n, *f);
        }
    }
    m
});
