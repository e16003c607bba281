//! Reason detection: map a platform's wording to [`Reason`], or infer it from
//! the transcript when none is given; derive the unanswered question.
//!
//! Decisions, in one place:
//! - **Only the bot phase counts.** Inference and the derived question look at
//!   the transcript up to the first line a human agent wrote: what the visitor
//!   said to the agent afterwards is not why the bot handed off.
//! - **Priority when several signals apply** (first wins):
//!   1. frustration (repeated question, ALL CAPS, "!!!", "useless", swearing):
//!      it changes how to reply, and it is usually what made the visitor ask
//!      for a person, so it outranks the request itself;
//!   2. an explicit request for a human;
//!   3. an explicit bot failure ("I don't know", "I couldn't find") → knowledge gap;
//!   4. a policy topic (refund, cancel, legal, billing, chargeback, contract);
//!   5. a buying signal (pricing, quote, demo) → high intent;
//!   6. a bare hand-over phrase ("let me connect you") right after a real
//!      question → knowledge gap (weak: the bot gave no answer but did not say why).
//!
//!   A bot confidence below [`LOW_CONFIDENCE`] makes it low confidence unless
//!   one of signals 1–3 was found.
//! - **Evidence goes to `parse_notes`** ("reason inferred from the transcript:
//!   visitor asked: '…'"), never to `reason_detail`, which stays the bot's own
//!   wording. [`finish`] is idempotent: running it twice adds nothing.
//! - The question is the visitor's last substantive message before the first
//!   explicit bot failure (else the first hand-over phrase, else the end of the
//!   bot phase), skipping greetings, thanks, contact details, answers to "what's
//!   your name?" and bare requests for a human; the wording is kept as written.
//!
//! Patterns cover English plus German, French and Spanish basics, and the
//! commonest Portuguese, Italian, Dutch, Czech and Japanese wordings. Every regex
//! is compiled once; [`finish`] on a 10-line transcript takes a few µs.

use crate::model::{Author, Message, NewHandoff, Reason};
use regex::Regex;
use std::sync::LazyLock;

/// Below this bot confidence a handoff with no stronger signal is low confidence.
pub const LOW_CONFIDENCE: f64 = 0.5;

/// One compiled alternation, matched against lower-cased text; `None` only if
/// a pattern were invalid (a test catches that).
///
/// Written for the regex engine's fast paths: the patterns are lower case and
/// the text is lower-cased before matching (a case-insensitive alternation of
/// hundreds of words expands into too many literals for the engine's
/// prefilter), and a word boundary is spelled as the non-word character (or
/// the text's end) it stands for (Unicode `\b` makes the engine give up its
/// automaton on any non-ASCII text: accents, ’, Japanese). Together they took
/// reason inference from about a quarter of a realistic import's time to a few
/// percent.
pub(crate) struct Pat(Option<Regex>);

impl Pat {
    pub(crate) fn new(parts: &[&str]) -> Pat {
        // `\b` only ever opens or closes a pattern (no pattern has one inside).
        // The patterns are grouped by the boundaries they have, so that each
        // (large, Unicode) `\W` class is compiled once per group, not once per
        // word: `\b(a|b)\b` is `\ba\b|\bb\b`.
        let mut groups: [Vec<&str>; 4] = Default::default();
        for p in parts {
            let (open, rest) = p.strip_prefix(r"\b").map_or((false, *p), |rest| (true, rest));
            let (close, word) = rest.strip_suffix(r"\b").map_or((false, rest), |w| (true, w));
            groups[usize::from(open) * 2 + usize::from(close)].push(word);
        }
        let body = groups
            .iter()
            .enumerate()
            .filter(|(_, words)| !words.is_empty())
            .map(|(i, words)| {
                let open = if i >= 2 { r"(?:^|\W)" } else { "" };
                let close = if i % 2 == 1 { r"(?:\W|$)" } else { "" };
                format!("{open}(?:{}){close}", words.join("|"))
            })
            .collect::<Vec<_>>()
            .join("|");
        // Straight and typographic apostrophes are the same to a reader.
        let body = body.replace('\'', "['’]");
        let re = Regex::new(&format!("(?:{body})"));
        debug_assert!(re.is_ok(), "bad pattern: {re:?}");
        Pat(re.ok())
    }
    pub(crate) fn is_match(&self, s: &str) -> bool {
        self.0.as_ref().is_some_and(|r| r.is_match(&lower(s)))
    }
    /// The matched words, lower-cased.
    fn find(&self, s: &str) -> Option<String> {
        // `find` needs the match's start, a second (reverse) search: ask the
        // cheap question first.
        let text = lower(s);
        let re = self.0.as_ref().filter(|r| r.is_match(&text))?;
        re.find(&text).map(|m| m.as_str().trim_matches(|c: char| !c.is_alphanumeric()).to_string())
    }
}

/// `s` in lower case, borrowed when it has no upper-case letter.
fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

macro_rules! pat {
    ($name:ident, [$($p:literal),+ $(,)?]) => {
        static $name: LazyLock<Pat> = LazyLock::new(|| Pat::new(&[$($p),+]));
    };
}
pub(crate) use pat;

// ---- the bot's or platform's wording of a reason (map_wording) ----

#[rustfmt::skip]
pat!(W_LOW_CONFIDENCE, [
    r"\bconfiden", r"\buncertain", r"\bunsure\b", r"\bnot (sure|confident|certain)\b",
    r"\blow (score|certainty|probability)", r"\bthreshold", r"\bkonfidenz", r"\bunsicher", r"\bconfiance\b",
    r"\bincertain", r"\bpas sûr", r"\bconfianza\b", r"\bincierto", r"\bno (está )?seguro",
]);
#[rustfmt::skip]
pat!(W_KNOWLEDGE_GAP, [
    r"\bno (answer|article|match|matching|result|results|intent|response|content|faq)", r"\bnot found\b",
    r"\bnothing found\b", r"\bcould(n't| not) (find|answer)", r"\bcan(not|'t) (find|answer)",
    r"\bdon't know\b", r"\bdo not know\b", r"\bunknown (question|intent|topic)", r"\bfallback",
    r"\bunanswered", r"\bno ?match", r"\bout of scope\b", r"\bnot understood\b",
    r"\bdid(n't| not) understand", r"\bknowledge", r"\bmissing (content|article|answer)", r"\bdefault intent",
    r"\bcatch ?all", r"\bno idea\b", r"\bkeine (antwort|treffer|ergebnisse|information)", r"\bnicht gefunden",
    r"\bwei(ß|ss) (ich )?nicht", r"\bwissenslücke", r"\bunbeantwortet", r"\bpas de réponse",
    r"\baucune? (réponse|article|résultat)", r"\bje ne sais pas", r"\bintrouvable", r"\bnon trouvé",
    r"\bsans réponse", r"\bsin respuesta", r"\bno (lo )?sé\b", r"\bno encontr",
    r"\bning(una|ún) (respuesta|artículo|resultado)",
    r"\bsem resposta", r"\bnessuna risposta", r"\bgeen antwoord", r"\bbez odpovědi", r"回答(が)?(ない|なし)",
]);
#[rustfmt::skip]
pat!(W_HUMAN, [
    r"\bhuman", r"\bperson\b", r"\breal person", r"\bagent\b", r"\boperator\b", r"\brepresentative\b",
    r"\btalk(ing)? to\b", r"\bspeak(ing)? (to|with)\b", r"\blive (agent|chat|support)",
    r"\bhand ?off (request|requested)", r"\bescalation request", r"\bmanual\b",
    r"\b(user|visitor|customer) request", r"\bmitarbeiter", r"\bmensch", r"\bpersönlich", r"\bberater",
    r"\bhumain", r"\bconseill", r"\bune personne", r"\bopérateur", r"\bparler (à|avec)", r"\bhumano",
    r"\buna persona", r"\basesor", r"\bagente\b", r"\bhablar con", r"\boperador",
    r"\batendente", r"\boperatore", r"\bmedewerker", r"\boperátor", r"担当者", r"オペレーター",
]);
#[rustfmt::skip]
pat!(W_FRUSTRATION, [
    r"\bfrustr", r"\bangry", r"\banger\b", r"\bupset", r"\bannoy", r"\bnegative", r"\bsentiment", r"\brude\b",
    r"\bprofan", r"\bswear", r"\babusive", r"\brage\b", r"\bdissatisf", r"\bunhappy", r"\bfurious",
    r"\birritat", r"\brepeated (question|message)", r"\bverärgert", r"\bwütend", r"\bärger", r"\bgenervt",
    r"\bunzufrieden", r"\bnegativ", r"\ben colère", r"\bénervé", r"\bmécontent", r"\bnégati", r"\bfâché",
    r"\benojad", r"\benfadad", r"\bmolest", r"\binsatisfech",
]);
#[rustfmt::skip]
pat!(W_POLICY, [
    r"\bbilling", r"\bbill\b", r"\binvoice", r"\brefund", r"\bcancel", r"\blegal", r"\blawyer", r"\bcomplain",
    r"\bgdpr", r"\bdsgvo", r"\bprivacy", r"\bpolic(y|ies)", r"\bchargeback", r"\bdispute", r"\bcontract",
    r"\bcompliance", r"\bterms\b", r"\bpayment", r"\bsensitive", r"\brückerstattung", r"\berstattung",
    r"\bkündig", r"\brechnung", r"\bdatenschutz", r"\bbeschwerde", r"\bwiderruf", r"\brechtlich",
    r"\bvertrag", r"\bstornier", r"\bremboursement", r"\bannul", r"\brésili", r"\bfactur", r"\bplainte",
    r"\bjuridique", r"\brgpd", r"\bcontrat", r"\bréclamation", r"\breembolso", r"\bfactura", r"\breclamaci",
    r"\bqueja", r"\bcontrato", r"\bdevoluci",
    r"\breembolso", r"\brimborso", r"\bterugbetaling", r"返金",
]);
#[rustfmt::skip]
pat!(W_HIGH_INTENT, [
    r"\bpric", r"\bquot(e|ation)", r"\bdemo\b", r"\bpurchas", r"\bbuy", r"\bsales\b", r"\bhigh intent",
    r"\blead\b", r"\bupgrade", r"\benterprise", r"\btrial\b", r"\bbulk", r"\bproposal", r"\bpreis",
    r"\bangebot", r"\bkauf", r"\bvertrieb", r"\bbestell", r"\bprix\b", r"\btarif", r"\bdevis\b", r"\bachat",
    r"\bacheter", r"\bcommercial", r"\bprecio", r"\bcotizaci", r"\bpresupuesto", r"\bcompra", r"\bventas\b",
    r"\bdemostraci",
    r"\bor[cç]amento", r"\bpreventivo", r"\bofferte\b", r"見積",
]);

// ---- what people write in a transcript (infer, derive_question) ----

#[rustfmt::skip]
pat!(T_HUMAN_ASK, [
    r"\b(talk|speak|chat|connect|transfer|put)( me)?( through)? (to|with) (a |an |some |your |the )?(real |live |actual )?(human|person|people|agent|someone|somebody|representative|rep|operator|staff|employee|support|customer service|team member)\b",
    r"\b(real|live|actual) (person|human|agent|people)\b", r"\bhuman (agent|being|support)\b",
    r"\b(get|want|need|give)( me)? (a |an )?(human|person|agent|operator|representative)\b",
    r"^\W*(human|agent|operator|representative|person)\W*(please)?\W*$", r"\bcall me( back)?\b",
    r"\b(mitarbeiter(in)?|menschen|berater(in)?)\b", r"\becht(e|en|er) (mensch|person)",
    r"\bmit jemandem (sprechen|reden)",
    r"\b(un|une) (humain|vraie personne|conseiller|conseillère|agent|opérateur)\b",
    r"\bparler (à|avec) (quelqu'un|un|une)", r"\b(un|una) (humano|persona|agente|asesor|operador)\b",
    r"\bhablar con (alguien|un|una)",
    // Portuguese, Italian, Dutch, Czech, Japanese; "can a human …", "¿me pueden llamar?"
    r"\bcan (a|an|some) ?(human|real person|person|agent|someone)\b",
    r"\b(me )?(pueden|puede|podéis|podrían) llamar", r"\bll[aá]men(me)?\b",
    r"\bfalar com (um|uma|alguém|algum|o|a)\b", r"\b(preciso|quero) (de )?(um|uma) (atendente|pessoa|humano|agente|operador)",
    r"\bparlare con (un|una|qualcuno|l'operatore)", r"\b(un|una) (operatore|operatrice|persona reale|umano)\b",
    r"\bmet (een|iemand|een echte) (medewerker|mens|persoon)", r"\b(een|echte) (medewerker|mens)\b",
    r"\bmluvit s (operátorem|člověkem|někým)", r"\bs operátorem\b",
    r"担当者(と|に|へ|を)", r"オペレーター", r"人(間)?と話", r"スタッフ(と|に)",
]);
#[rustfmt::skip]
pat!(T_FRUSTRATION, [
    r"[!?]{3,}", r"\buseless\b", r"\bnot helpful\b", r"\bunhelpful\b", r"\bwaste of (my )?time\b",
    r"\bstupid\b", r"\bridiculous\b", r"\bterrible\b", r"\bawful\b", r"\bwtf\b", r"\bdamn", r"\bshit",
    r"\bfuck", r"\bcrap\b", r"\bdumb\b", r"\bnot what i asked\b",
    r"\byou('re| are) not (understanding|listening|helping)", r"\bthis is a joke\b", r"\bnutzlos",
    r"\bsinnlos", r"\bbringt (mir )?nichts", r"\bhilft (mir )?nicht", r"\bschei(ß|ss)e", r"\bverdammt",
    r"\binutile", r"\bça ne m'aide pas", r"\bn'importe quoi", r"\bmerde", r"\bputain", r"\binútil",
    r"\bno sirve", r"\bno me ayuda", r"\bmierda", r"\bjoder",
    r"\bannoy", r"\b(doesn't|does not|didn't|did not) help( me)? at all\b",
    r"\b(second|third|fourth|fifth|2nd|3rd|4th) time (i'm|i am|i've|that i|i) (ask|asking|asked|writ|told)",
    r"\b(second|third|fourth|fifth|2nd|3rd) time (your|the) bot\b",
    r"\bnão (ajuda|serve para nada)\b", r"\bnon (mi )?aiuta\b", r"\bhelpt (me )?niet\b", r"\bnepomáhá",
]);
#[rustfmt::skip]
pat!(T_POLICY, [
    r"\brefund", r"\bmoney back\b", r"\bcancel", r"\bcharge ?back", r"\bdispute", r"\blegal\b", r"\blawyer",
    r"\battorney", r"\blawsuit", r"\bsue\b", r"\bbilling\b", r"\binvoice", r"\bcharged (me )?twice\b",
    r"\bdouble charged\b", r"\bcontract\b", r"\bgdpr\b", r"\bdelete my (data|account)", r"\bcomplaint\b",
    r"\brückerstattung", r"\berstatt", r"\bgeld zurück", r"\bkündig", r"\bstornier", r"\brechnung",
    r"\banwalt", r"\bvertrag", r"\bdatenschutz", r"\bdsgvo", r"\bbeschwerde", r"\bwiderruf", r"\brembours",
    r"\bannul", r"\brésili", r"\bfactur", r"\bavocat", r"\bcontrat", r"\brgpd", r"\bplainte",
    r"\bréclamation", r"\breembols", r"\bdevoluci", r"\bfactura", r"\babogad", r"\bcontrato", r"\breclamaci",
    r"\bqueja",
    r"\bdevoluç", r"\bestorno", r"\brimbors", r"\brecesso\b", r"\bfattura", r"\bdisdett",
    r"\bterugbetal", r"\bgeld terug", r"\bopzeg", r"\bfactuur", r"\bvrácen", r"\breklamac", r"\bfaktur",
    r"返金", r"キャンセル", r"解約", r"請求",
]);
#[rustfmt::skip]
pat!(T_HIGH_INTENT, [
    r"\bpric(e|es|ing)\b", r"\bhow much\b", r"\bquote\b", r"\bquotation\b", r"\bdemo\b", r"\bfree trial\b",
    r"\b(buy|purchase)\b", r"\bplace an order\b",
    r"\b\d+ (seats|licen[cs]es|units|users|employees|locations)\b", r"\benterprise (plan|pricing|license)",
    r"\bvolume discount", r"\bsales team\b", r"\bpreis", r"\bwas kostet", r"\bangebot\b", r"\bkaufen\b",
    r"\bbestellen\b", r"\blizenzen\b", r"\bprix\b", r"\btarif", r"\bdevis\b", r"\bcombien\b", r"\bacheter\b",
    r"\bcommander\b", r"\bprecio", r"\bcu[aá]nto cuesta", r"\bcotizaci", r"\bpresupuesto", r"\bcomprar\b",
    r"\blicencias\b",
    r"\bor[cç]amento", r"\bpreço", r"\bcotação", r"\bpreventivo", r"\bprezz", r"\bacquist",
    r"\bofferte\b", r"\blicenties\b", r"\bprijs", r"\bwat kost", r"\bcenov", r"\bkolik stojí",
    r"見積", r"価格", r"料金", r"購入",
]);
#[rustfmt::skip]
pat!(T_BOT_FAILURE, [
    r"\bi don't know\b", r"\bi do not know\b", r"\bi'm not sure\b", r"\bi am not sure\b",
    r"\bi (couldn't|could not|can't|cannot|was unable to) find\b",
    r"\bi (don't|do not) have (that|this|any|the|an|enough) (information|info|answer|details|data)",
    r"\bi('m| am) (unable|not able) to (answer|help with|find)", r"\bi (didn't|did not) (understand|catch)",
    r"\bsorry,? i (don't|do not) understand", r"\bbeyond my (knowledge|scope)",
    r"\bno (information|answer) (about|on|for) (that|this)", r"\bwei(ß|ss) ich (leider )?nicht",
    r"\bich wei(ß|ss) (es |das )?(leider )?nicht", r"\bnicht sicher\b", r"\bnichts gefunden",
    r"\bkeine (antwort|informationen?) (dazu|darüber|zu)", r"\bnicht verstanden", r"\bje ne sais pas",
    r"\bje ne suis pas (sûr|certain)",
    r"\bje n'ai pas (trouvé|d'information|la réponse|cette information|compris)", r"\bno (lo )?sé\b",
    r"\bno estoy seguro", r"\bno (encontré|pude encontrar)", r"\bno tengo (esa|información|la respuesta)",
    r"\bno entendí",
    r"\bnão (sei|encontrei|entendi|tenho essa)", r"\bnon (lo )?so\b", r"\bnon ho (trovato|capito)",
    r"\bgeen antwoord\b", r"\bweet ik (helaas )?niet", r"\bniet gevonden", r"\bnevím\b", r"\bnenašel",
    r"わかりません", r"分かりません", r"見つかりません",
]);
// A visitor saying the bot could not answer ("the bot had no answer").
#[rustfmt::skip]
pat!(V_BOT_FAILED, [
    r"\b(the |your )?(bot|chatbot|assistant) (had no answer|has no answer|couldn't answer|could not answer|can't answer|cannot answer|didn't know|does(n't| not) know|didn't understand|did not understand)",
    r"\bil bot non (sa|ha saputo|capisce)", r"\bo bot não (sabe|soube|entendeu)", r"\bel bot no (sabe|supo|entendió)",
    r"\bder bot (wei(ß|ss)|wusste|versteht) (es )?nicht", r"\bde bot (weet|begrijpt) (het )?niet",
]);
#[rustfmt::skip]
pat!(T_HANDOFF, [
    r"\blet me (connect|transfer|get|pass|put) you", r"\bi('ll| will) (connect|transfer|pass) you",
    r"\b(connecting|transferring) you\b", r"\bhand(ing)? (you )?(over|off)\b",
    r"\b(an?|one of our) (agent|human|team member|colleague|person|representative|specialist) will\b",
    r"\bassigned to an? (agent|human)", r"\bsomeone from (our|the) team will",
    r"\bwill (get back|reach out) to you", r"\bverbinde (sie|dich)",
    r"\bleite (sie|dich|ihre anfrage|deine anfrage) weiter", r"\bmitarbeiter(in)? (wird|meldet)",
    r"\bje vous (mets en relation|transfère|passe)", r"\bun (conseiller|agent) va\b",
    r"\b(te|le) (paso|comunico|transfiero)\b", r"\b(asignada|transferida) a un agente",
    r"\bun agente (te|le|se)\b",
]);
#[rustfmt::skip]
pat!(T_ASKS_CONTACT, [
    r"\byour (name|email|e-mail|phone|number|contact)", r"\bwhat('s| is) your\b", r"\bmay i have your\b",
    r"\bihren? (namen|e-mail|telefon)", r"\bwie hei(ß|ss)",
    r"\bvotre (nom|e-mail|email|adresse|téléphone|numéro)", r"\bcomment vous appelez",
    r"\b(tu|su) (nombre|correo|teléfono|email)", r"\bcómo te llamas",
]);
#[rustfmt::skip]
pat!(T_CONTACT, [
    r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}", r"\+?\d[\d\s().-]{6,}\d",
]);
#[rustfmt::skip]
pat!(T_NAME_INTRO, [
    r"^\W*(my name is|my name's|i am|i'm|this is|name:|ich hei(ß|ss)e|mein name ist|je m'appelle|je suis|me llamo|mi nombre es|soy)\s+\S+",
]);

/// Words that carry no question on their own (greetings, thanks, acknowledgements).
#[rustfmt::skip]
const SMALL_TALK: &[&str] = &[
    "a", "adiós", "afternoon", "again", "alright", "au", "beaucoup", "bonjour", "bonsoir", "bot", "buenas",
    "buenos", "bye", "ciao", "cool", "d'accord", "danke", "day", "días", "evening", "gracias", "great",
    "guten", "hallo", "hello", "hey", "hi", "hiya", "hola", "k", "lot", "merci", "moin", "morgen", "morning",
    "much", "muchas", "nein", "no", "noches", "non", "nope", "ok", "okay", "oui", "perfect", "please",
    "revoir", "salut", "schön", "sehr", "servus", "si", "so", "sure", "sí", "tag", "tardes", "thank",
    "thanks", "there", "thx", "ty", "vale", "vielen", "yeah", "yep", "yes", "you", "ja",
];

/// Map a platform's or bot's wording ("no_answer", "Visitor asked for a human",
/// "low confidence (0.31)", "billing") to a reason; `None` when not recognised.
pub fn map_wording(text: &str) -> Option<Reason> {
    let text: String = text.chars().take(500).collect();
    let norm = text.trim().to_lowercase().replace(['_', '-', '.', '/'], " ");
    let squashed: String = norm.chars().filter(|c| c.is_alphanumeric()).collect();
    if let Some(r) = Reason::ALL.into_iter().find(|r| r.as_str().replace('_', "") == squashed) {
        return Some(r);
    }
    let table: [(&LazyLock<Pat>, Reason); 6] = [
        (&W_LOW_CONFIDENCE, Reason::LowConfidence),
        (&W_KNOWLEDGE_GAP, Reason::KnowledgeGap),
        (&W_HUMAN, Reason::HumanRequest),
        (&W_FRUSTRATION, Reason::Frustration),
        (&W_POLICY, Reason::PolicyTopic),
        (&W_HIGH_INTENT, Reason::HighIntent),
    ];
    table.into_iter().find(|(p, _)| p.is_match(&norm)).map(|(_, r)| r)
}

/// Whether a bot or system line hands the visitor over ("let me connect you",
/// "assigned to an agent", "te paso con un agente"). Used by adapters to spot
/// a hand-over message.
pub(crate) fn is_handover(text: &str) -> bool {
    T_HANDOFF.is_match(text)
}

/// Whether a visitor line reads as frustrated: complaints, swearing, "!!!", capitals.
pub(crate) fn is_frustrated(text: &str) -> bool {
    T_FRUSTRATION.is_match(text) || shouting(text)
}

/// Whether a bot line says it could not answer ("I don't know", "I couldn't find").
pub(crate) fn is_bot_failure(text: &str) -> bool {
    T_BOT_FAILURE.is_match(text)
}

/// Whether a line asks for a person ("can I talk to a human", "call me back").
pub(crate) fn is_human_ask(text: &str) -> bool {
    T_HUMAN_ASK.is_match(text)
}

/// The visitor's first substantive message in the bot phase: usually what
/// they came for, where [`derive_question`] finds what the bot failed on.
pub(crate) fn first_ask(transcript: &[Message]) -> Option<String> {
    let window = bot_phase(transcript);
    (0..window.len())
        .find(|&i| substantive(window, i))
        .and_then(|i| window.get(i))
        .map(|m| m.text.trim().to_string())
}

/// Infer a reason from the transcript, with a short explanation of the evidence.
pub fn infer(transcript: &[Message]) -> Option<(Reason, String)> {
    infer_ranked(transcript).map(|(_, r, e)| (r, e))
}

/// Signal ranks, strongest first (see the module header).
const FRUSTRATION: u8 = 0;
const HUMAN: u8 = 1;
const BOT_FAILED: u8 = 2;
const POLICY: u8 = 3;
const HIGH_INTENT: u8 = 4;
const HANDED_OVER: u8 = 5;

fn infer_ranked(transcript: &[Message]) -> Option<(u8, Reason, String)> {
    let window = bot_phase(transcript);
    let mut best: Option<(u8, Reason, String)> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut asked_something = false;
    for (i, m) in window.iter().enumerate() {
        let rank = best.as_ref().map_or(u8::MAX, |b| b.0);
        if rank == FRUSTRATION {
            break;
        }
        let text = m.text.as_str();
        if m.author != Author::Visitor {
            if rank > BOT_FAILED && T_BOT_FAILURE.is_match(text) {
                take(&mut best, BOT_FAILED, Reason::KnowledgeGap, format!("bot said: {}", quote(text)));
            } else if rank > HANDED_OVER && asked_something && T_HANDOFF.is_match(text) {
                let ev = format!("bot handed over without an answer: {}", quote(text));
                take(&mut best, HANDED_OVER, Reason::KnowledgeGap, ev);
            }
            continue;
        }
        let human = T_HUMAN_ASK.is_match(text);
        if let Some(ev) = frustration(text, human, &mut seen) {
            take(&mut best, FRUSTRATION, Reason::Frustration, ev);
            break;
        }
        if human && rank > HUMAN {
            take(&mut best, HUMAN, Reason::HumanRequest, format!("visitor asked: {}", quote(text)));
        }
        if rank > BOT_FAILED && !human && V_BOT_FAILED.is_match(text) {
            take(&mut best, BOT_FAILED, Reason::KnowledgeGap, format!("visitor said: {}", quote(text)));
        }
        if rank > POLICY
            && let Some(term) = T_POLICY.find(text)
        {
            let ev = format!("policy topic {term:?} in: {}", quote(text));
            take(&mut best, POLICY, Reason::PolicyTopic, ev);
        }
        if rank > HIGH_INTENT
            && let Some(term) = T_HIGH_INTENT.find(text)
        {
            let ev = format!("buying signal {term:?} in: {}", quote(text));
            take(&mut best, HIGH_INTENT, Reason::HighIntent, ev);
        }
        asked_something |= !human && substantive(window, i);
    }
    best
}

/// Keeps the stronger (lower-ranked) signal; on a tie the earlier one.
fn take(best: &mut Option<(u8, Reason, String)>, rank: u8, r: Reason, ev: String) {
    if best.as_ref().is_none_or(|b| rank < b.0) {
        *best = Some((rank, r, ev));
    }
}

/// Frustration evidence in one visitor message, remembering earlier questions in `seen`.
fn frustration(text: &str, human: bool, seen: &mut Vec<String>) -> Option<String> {
    if T_FRUSTRATION.is_match(text) {
        return Some(format!("visitor wrote: {}", quote(text)));
    }
    if shouting(text) {
        return Some(format!("visitor wrote in capitals: {}", quote(text)));
    }
    if human {
        return None;
    }
    let norm = normalize(text);
    if norm.split(' ').count() >= 3 {
        if seen.contains(&norm) {
            return Some(format!("visitor asked the same thing twice: {}", quote(text)));
        }
        seen.push(norm);
    }
    None
}

/// At least 10 letters in at least 3 words, nearly all capitals.
fn shouting(text: &str) -> bool {
    let (mut letters, mut upper) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    letters >= 10 && upper * 10 >= letters * 9 && text.split_whitespace().count() >= 3
}

/// The visitor's question the bot failed on, as the visitor wrote it.
pub fn derive_question(transcript: &[Message]) -> Option<String> {
    let window = bot_phase(transcript);
    let is_bot = |m: &&Message| m.author != Author::Visitor;
    let failures = window.iter().enumerate().filter(|(_, m)| is_bot(m) && T_BOT_FAILURE.is_match(&m.text));
    let handovers = window.iter().enumerate().filter(|(_, m)| is_bot(m) && T_HANDOFF.is_match(&m.text));
    failures
        .chain(handovers)
        .map(|(i, _)| i)
        .chain(std::iter::once(window.len()))
        .find_map(|end| (0..end).rev().find(|&i| substantive(window, i)))
        .and_then(|i| window.get(i))
        .map(|m| m.text.trim().to_string())
}

/// Fill what the source left out: an inferred reason (recorded as inferred)
/// and a derived question.
pub fn finish(h: &mut NewHandoff) {
    if h.reason == Reason::Other
        && let Some(r) = h.reason_detail.as_deref().and_then(map_wording).filter(|r| *r != Reason::Other)
    {
        h.reason = r;
        h.reason_inferred = false;
    } else if h.reason_inferred || h.reason == Reason::Other {
        let mut found = infer_ranked(&h.transcript);
        let low = h.confidence.filter(|c| *c < LOW_CONFIDENCE);
        if let Some(c) = low
            && found.as_ref().is_none_or(|f| f.0 > BOT_FAILED)
        {
            found = Some((
                BOT_FAILED,
                Reason::LowConfidence,
                format!("bot confidence {c} (below {LOW_CONFIDENCE})"),
            ));
        }
        if let Some((_, reason, evidence)) = found {
            h.reason = reason;
            h.reason_inferred = true;
            let note = format!("reason inferred from the transcript: {evidence}");
            if !h.parse_notes.contains(&note) {
                h.parse_notes.push(note);
            }
        }
    }
    if h.question.is_none()
        && let Some(q) = derive_question(&h.transcript)
    {
        h.question = Some(q);
        h.question_derived = true;
    }
}

/// The transcript up to the first line a human agent wrote.
fn bot_phase(t: &[Message]) -> &[Message] {
    let end = t.iter().position(|m| m.author == Author::Agent).unwrap_or(t.len());
    &t[..end]
}

/// Whether `window[i]` is a visitor message carrying a question or request worth keeping.
fn substantive(window: &[Message], i: usize) -> bool {
    let Some(m) = window.get(i).filter(|m| m.author == Author::Visitor) else {
        return false;
    };
    let text = m.text.trim();
    if text.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return false;
    }
    let norm = normalize(text);
    let words = norm.split(' ').filter(|w| !w.is_empty()).count();
    if norm.split(' ').all(|w| w.is_empty() || SMALL_TALK.contains(&w)) {
        return false;
    }
    if words <= 8 && (T_HUMAN_ASK.is_match(text) || T_FRUSTRATION.is_match(text)) {
        return false;
    }
    if words <= 6 && (T_CONTACT.is_match(text) || T_NAME_INTRO.is_match(text)) {
        return false;
    }
    // A short answer to "what's your name / email / phone?".
    let asked = window[..i].iter().rev().find(|m| m.author != Author::Visitor);
    let answers_contact = asked.is_some_and(|a| T_ASKS_CONTACT.is_match(&a.text));
    !(answers_contact && words <= 4 && !text.contains('?'))
}

/// Lower case, letters and digits only, single spaces.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// `'first 80 characters…'` on one line.
fn quote(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut q: String = flat.chars().take(80).collect();
    if flat.chars().count() > 80 {
        q.push('…');
    }
    format!("'{q}'")
}
