"""The campaign's texts as they stood on its site, in English, French and Dutch.

They are shown until an admin edits them in the console; the edited text then lives
in the database. FAQ answers the campaign had not written yet are empty: such a question is
hidden from visitors until it is answered. The campaign had no list of experts or
testimonies yet: both start empty.
"""

from __future__ import annotations

INTERNATIONAL_CAMPAIGN_URL = "https://endchilddetention.org/"

# slug -> language -> (title, Markdown body). "{contact}" is the campaign's contact address;
# "{unverified_days}" and "{closed_days}" are the purge delays in force.
PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "what-you-can-do": {
        "en": (
            "What can you do?",
            """\
**Sign the position** on behalf of your organisation: every organisation counts.

**Talk about it.** Share the position with your members, partners and local representatives.

## Are you affected by child detention in Belgium?

Or do you know someone who is detained?

Write to us at <{contact}>. Tell us who is detained, where, and since when, and how we can
reach you. We treat every message confidentially and put you in touch with people who can help.
""",
        ),
        "fr": (
            "Que pouvez-vous faire ?",
            """\
**Signez la position** au nom de votre organisation : chaque organisation compte.

**Parlez-en.** Partagez la position avec vos membres, vos partenaires et vos élus locaux.

## Êtes-vous touché par la détention d’enfants en Belgique ?

Ou connaissez-vous quelqu’un qui est détenu ?

Écrivez-nous à <{contact}>. Dites-nous qui est détenu, où et depuis quand, et comment vous
joindre. Nous traitons chaque message de manière confidentielle et vous mettons en contact
avec des personnes qui peuvent aider.
""",
        ),
        "nl": (
            "Wat kunt u doen?",
            """\
**Onderteken het standpunt** namens uw organisatie: elke organisatie telt.

**Praat erover.** Deel het standpunt met uw leden, partners en lokale vertegenwoordigers.

## Wordt u in België geraakt door de opsluiting van kinderen?

Of kent u iemand die opgesloten zit?

Schrijf ons op <{contact}>. Vertel ons wie opgesloten zit, waar en sinds wanneer, en hoe we u
kunnen bereiken. We behandelen elk bericht vertrouwelijk en brengen u in contact met mensen
die kunnen helpen.
""",
        ),
    },
    "experts": {
        "en": (
            "What do experts say?",
            """\
Paediatricians, psychologists, lawyers and children's rights organisations agree: detention
harms children, even for a short time and in a relatively humane environment.
""",
        ),
        "fr": (
            "Que disent les experts ?",
            """\
Pédiatres, psychologues, juristes et organisations de défense des droits de l’enfant sont
unanimes : la détention nuit aux enfants, même pour une courte durée et dans un environnement
relativement humain.
""",
        ),
        "nl": (
            "Wat zeggen experts?",
            """\
Kinderartsen, psychologen, juristen en kinderrechtenorganisaties zijn het eens: opsluiting
schaadt kinderen, zelfs voor korte tijd en in een relatief humane omgeving.
""",
        ),
    },
    "testimonies": {
        "en": (
            "Testimonies",
            """\
Testimonies from children and parents who were detained in Belgium or elsewhere, or from
people who support them.
""",
        ),
        "fr": (
            "Témoignages",
            """\
Témoignages d’enfants et de parents qui ont été détenus en Belgique ou ailleurs, ou de
personnes qui les soutiennent.
""",
        ),
        "nl": (
            "Getuigenissen",
            """\
Getuigenissen van kinderen en ouders die in België of elders opgesloten waren, of van mensen
die hen steunen.
""",
        ),
    },
    "more-info": {
        "en": (
            "More info",
            "More information on child detention and why it must stop immediately.",
        ),
        "fr": (
            "Plus d’infos",
            "Plus d’informations sur la détention d’enfants et sur les "
            "raisons pour lesquelles elle doit cesser immédiatement.",
        ),
        "nl": (
            "Meer info",
            "Meer informatie over de opsluiting van kinderen en waarom die "
            "onmiddellijk moet stoppen.",
        ),
    },
}

PAGES["privacy"] = {
    "en": (
        "Privacy",
        """\
## What we keep

- **About your organisation**, to publish it: its name, kind, city, province or region, website,
  statement and logo. These are public once a moderator has approved the endorsement.
- **About you, the contact person**, to check the endorsement and to answer you: your name,
  email address and role, the time and version of the consent you gave, and whether you want
  campaign news. Only the campaign's moderators see them; they are never published, and never
  in the open data.
- **If your organisation signed before this site existed** (by email or on paper), the campaign
  added it with the contact it had and a note of how the organisation gave its consent, and
  wrote to that contact once, with a link to check, correct or withdraw it. These data are kept
  and erased like all the others.

We keep no record of your IP address. Mails go through our own mail server.

## How long

- An endorsement whose email address is not confirmed is deleted after {unverified_days} days.
- When an endorsement is rejected or withdrawn, your personal data is erased {closed_days} days
  later. The audit trail keeps what happened to the endorsement, never your data.
- A published endorsement stays as long as the campaign runs, or until you withdraw it.

## Your rights

With the [link to manage your endorsement](manage) you can at any time see what we keep,
correct your organisation's details, withdraw the endorsement, and erase your personal data.
For any other question, write to <{contact}>. You may also complain to the Belgian Data
Protection Authority.
""",
    ),
    "fr": (
        "Vie privée",
        """\
## Ce que nous conservons

- **Sur votre organisation**, pour la publier : son nom, son type, sa commune, sa province ou
  région, son site web, sa déclaration et son logo. Ces données sont publiques dès qu’un
  modérateur a approuvé le soutien.
- **Sur vous, la personne de contact**, pour vérifier le soutien et vous répondre : votre nom,
  votre adresse e-mail et votre fonction, le moment et la version du consentement donné, et
  votre choix de recevoir ou non les nouvelles de la campagne. Seuls les modérateurs de la
  campagne les voient ; elles ne sont jamais publiées, ni dans les données ouvertes.
- **Si votre organisation a signé avant ce site** (par e-mail ou sur papier), la campagne l’a
  ajoutée avec le contact qu’elle avait et une note sur la manière dont l’organisation a donné
  son accord, et a écrit une fois à ce contact, avec un lien pour vérifier, corriger ou retirer
  le soutien. Ces données sont conservées et effacées comme toutes les autres.

Nous ne conservons pas votre adresse IP. Les e-mails passent par notre propre serveur.

## Pendant combien de temps

- Un soutien dont l’adresse e-mail n’est pas confirmée est supprimé après {unverified_days}
  jours.
- Quand un soutien est refusé ou retiré, vos données personnelles sont effacées {closed_days}
  jours plus tard. Le journal d’audit garde la trace de ce qui est arrivé au soutien, jamais
  vos données.
- Un soutien publié reste en ligne aussi longtemps que la campagne, ou jusqu’à ce que vous le
  retiriez.

## Vos droits

Avec le [lien de gestion de votre soutien](manage), vous pouvez à tout moment voir ce que
nous conservons, corriger les données de votre organisation, retirer le soutien et effacer vos
données personnelles. Pour toute autre question, écrivez à <{contact}>. Vous pouvez aussi
introduire une plainte auprès de l’Autorité de protection des données.
""",
    ),
    "nl": (
        "Privacy",
        """\
## Wat we bewaren

- **Over uw organisatie**, om ze te publiceren: naam, soort, gemeente, provincie of gewest,
  website, verklaring en logo. Die zijn openbaar zodra een moderator de steunbetuiging heeft
  goedgekeurd.
- **Over u, de contactpersoon**, om de steunbetuiging na te kijken en u te antwoorden: uw naam,
  e-mailadres en functie, het tijdstip en de versie van uw toestemming, en of u
  campagnenieuws wilt. Alleen de moderatoren van de campagne zien die gegevens; ze worden nooit
  gepubliceerd, ook niet in de open data.
- **Als uw organisatie tekende vóór deze site bestond** (per e-mail of op papier), voegde de
  campagne ze toe met de contactpersoon die ze had en een notitie over hoe de organisatie haar
  toestemming gaf, en schreef die contactpersoon één keer, met een link om de vermelding na te
  kijken, te verbeteren of in te trekken. Die gegevens worden bewaard en gewist zoals alle andere.

We bewaren uw IP-adres niet. E-mails gaan via onze eigen mailserver.

## Hoelang

- Een steunbetuiging waarvan het e-mailadres niet bevestigd is, wordt na {unverified_days}
  dagen verwijderd.
- Wordt een steunbetuiging afgewezen of ingetrokken, dan wissen we uw persoonsgegevens
  {closed_days} dagen later. Het auditlogboek houdt bij wat er met de steunbetuiging gebeurde,
  nooit uw gegevens.
- Een gepubliceerde steunbetuiging blijft zolang de campagne loopt, of tot u ze intrekt.

## Uw rechten

Met de [link om uw steunbetuiging te beheren](manage) kunt u op elk moment zien wat we
bewaren, de gegevens van uw organisatie verbeteren, de steunbetuiging intrekken en uw
persoonsgegevens wissen. Voor andere vragen kunt u schrijven naar <{contact}>. U kunt ook een
klacht indienen bij de Gegevensbeschermingsautoriteit.
""",
    ),
}

# (key, language -> (question, Markdown answer or "" while the campaign writes it))
FAQ: list[tuple[str, dict[str, tuple[str, str]]]] = [
    (
        "why-detained",
        {
            "en": (
                "Why does the government lock up children and their families?",
                """\
The Immigration Office puts families behind bars because these families don't have a residence
permit in Belgium. They have received an order to leave the country, sometimes more than one,
and some of these families still decide to stay in Belgium. Their children go to school, and
their parents often work. The Belgian government feels that the only way to make these families
leave the country is by locking them up and forcing them to depart. Each family's individual
situation, their integration in Belgium, and their reintegration possibilities in their home
country are not taken into account.""",
            ),
            "fr": (
                "Pourquoi le gouvernement enferme-t-il des enfants et leur famille ?",
                """\
L’Office des étrangers enferme des familles parce qu’elles n’ont pas de titre de séjour en
Belgique. Elles ont reçu un ordre de quitter le territoire, parfois plusieurs, et certaines
décident malgré tout de rester en Belgique. Leurs enfants vont à l’école et les parents
travaillent souvent. Le gouvernement belge estime que le seul moyen de faire partir ces familles
est de les enfermer pour les forcer au départ. La situation individuelle de chaque famille, son
intégration en Belgique et ses possibilités de réintégration dans le pays d’origine ne sont pas
prises en compte.""",
            ),
            "nl": (
                "Waarom sluit de regering kinderen en hun gezinnen op?",
                """\
De Dienst Vreemdelingenzaken sluit gezinnen op omdat ze geen verblijfsvergunning hebben in
België. Ze kregen een bevel om het grondgebied te verlaten, soms meer dan één, en sommige
gezinnen besluiten toch in België te blijven. Hun kinderen gaan naar school en de ouders werken
vaak. De Belgische regering vindt dat de enige manier om deze gezinnen te laten vertrekken is
hen op te sluiten en tot vertrek te dwingen. Met de individuele situatie van elk gezin, hun
integratie in België en hun mogelijkheden om zich opnieuw te integreren in hun land van
herkomst wordt geen rekening gehouden.""",
            ),
        },
    ),
    (
        "is-it-legal",
        {
            "en": ("Is it legal to detain children for migratory purposes?", ""),
            "fr": ("Est-il légal de détenir des enfants à des fins migratoires ?", ""),
            "nl": ("Is het wettelijk toegestaan kinderen op te sluiten om migratieredenen?", ""),
        },
    ),
    (
        "child-rights",
        {
            "en": ("Does detention violate children's rights?", ""),
            "fr": ("La détention viole-t-elle les droits de l’enfant ?", ""),
            "nl": ("Schendt opsluiting de rechten van het kind?", ""),
        },
    ),
    (
        "where",
        {
            "en": ("Where and in what conditions are these children locked up?", ""),
            "fr": ("Où et dans quelles conditions ces enfants sont-ils enfermés ?", ""),
            "nl": ("Waar en in welke omstandigheden worden deze kinderen opgesloten?", ""),
        },
    ),
    (
        "how-long",
        {
            "en": ("For how long can they be locked up?", ""),
            "fr": ("Combien de temps peuvent-ils être enfermés ?", ""),
            "nl": ("Hoelang kunnen ze opgesloten worden?", ""),
        },
    ),
    (
        "impact",
        {
            "en": (
                "What impact does detention have on children?",
                """\
Research has shown that detention has a deep and harmful impact on the health, development and
well-being of children, even if the detention is of a short period and if it happens in
relatively "humane" conditions.""",
            ),
            "fr": (
                "Quel est l’impact de la détention sur les enfants ?",
                """\
La recherche a montré que la détention a un impact profond et néfaste sur la santé, le
développement et le bien-être des enfants, même lorsqu’elle est de courte durée et qu’elle a
lieu dans des conditions relativement « humaines ».""",
            ),
            "nl": (
                "Welke impact heeft opsluiting op kinderen?",
                """\
Onderzoek heeft aangetoond dat opsluiting een diepe en schadelijke impact heeft op de
gezondheid, de ontwikkeling en het welzijn van kinderen, zelfs als die maar kort duurt en in
relatief “humane” omstandigheden gebeurt.""",
            ),
        },
    ),
    (
        "responsible",
        {
            "en": ("Who is responsible for these children being locked up?", ""),
            "fr": ("Qui est responsable de l’enfermement de ces enfants ?", ""),
            "nl": ("Wie is verantwoordelijk voor de opsluiting van deze kinderen?", ""),
        },
    ),
    (
        "alternatives",
        {
            "en": ("Are there alternatives to detention?", ""),
            "fr": ("Existe-t-il des alternatives à la détention ?", ""),
            "nl": ("Zijn er alternatieven voor opsluiting?", ""),
        },
    ),
    (
        "how-to-help",
        {
            "en": ("What can I do to help these children?", ""),
            "fr": ("Que puis-je faire pour aider ces enfants ?", ""),
            "nl": ("Wat kan ik doen om deze kinderen te helpen?", ""),
        },
    ),
]

# The position on the home page: a title and an introduction (a page that is not a page of
# its own), then its sections (heading, Markdown body).
POSITION: dict[str, tuple[str, str]] = {
    "en": (
        "Our position",
        """\
**Child detention violates child rights.**

Immigration detention of children always contravenes the principle of the best interests of
the child.

The profound and negative impact of detention on child health, development and well-being has
been demonstrated repeatedly, even for a short period of time and when detention takes place in
a relatively humane environment.
""",
    ),
    "fr": (
        "Notre position",
        """\
**La détention d’enfants viole les droits de l’enfant.**

La détention d’enfants pour des raisons migratoires est toujours contraire au principe de
l’intérêt supérieur de l’enfant.

L’impact profond et négatif de la détention sur la santé, le développement et le bien-être des
enfants a été démontré à maintes reprises, même lorsque la détention est de courte durée et
qu’elle a lieu dans un environnement relativement humain.
""",
    ),
    "nl": (
        "Ons standpunt",
        """\
**De detentie van kinderen schendt de rechten van het kind.**

De detentie van kinderen om migratieredenen is altijd in strijd met het principe van het hoger
belang van het kind.

De diepgaande en negatieve impact van detentie op de gezondheid, de ontwikkeling en het welzijn
van kinderen is herhaaldelijk aangetoond, zelfs bij een korte detentie en wanneer die
plaatsvindt in een relatief humane omgeving.
""",
    ),
}

SECTIONS: dict[str, list[dict[str, str]]] = {
    "en": [
        {
            "key": "treated-as-children",
            "heading": "…treated as children",
            "body": "Children are, first and foremost, children and should be treated in full "
            "accordance with international law concerning child rights.\n\n"
            "Liberty is a fundamental human right. Children should never be detained solely "
            "based upon their or their parent’s or guardian’s immigration status.",
        },
        {
            "key": "looked-after",
            "heading": "…looked after",
            "body": "The best interests of the child must be a primary consideration in any "
            "action that a State might take in relation to a child.\n\n"
            "We do not want children to be detained in our country, solely on the basis of their "
            "or their parent’s or guardian’s migration status. We want all children to be "
            "treated as children, to be free, to be looked after and protected, and to enjoy "
            "the same rights.",
        },
    ],
    "fr": [
        {
            "key": "treated-as-children",
            "heading": "…traités comme des enfants",
            "body": "Les enfants sont avant tout des enfants et doivent être traités dans le "
            "plein respect du droit international relatif aux droits de l’enfant.\n\n"
            "La liberté est un droit humain fondamental. Les enfants ne devraient jamais être "
            "détenus uniquement en raison de leur statut migratoire ou de celui de leurs "
            "parents ou de leur tuteur.",
        },
        {
            "key": "looked-after",
            "heading": "…pris en charge",
            "body": "L’intérêt supérieur de l’enfant doit être une considération primordiale "
            "dans toute décision qu’un État peut prendre à l’égard d’un enfant.\n\n"
            "Nous ne voulons pas que des enfants soient détenus dans notre pays uniquement en "
            "raison de leur statut migratoire ou de celui de leurs parents ou de leur tuteur. "
            "Nous voulons que tous les enfants soient traités comme des enfants, qu’ils soient "
            "libres, pris en charge et protégés, et qu’ils jouissent des mêmes droits.",
        },
    ],
    "nl": [
        {
            "key": "treated-as-children",
            "heading": "…als kinderen behandeld",
            "body": "Kinderen zijn in de eerste plaats kinderen en moeten worden behandeld in "
            "volledige overeenstemming met het internationaal recht inzake kinderrechten.\n\n"
            "Vrijheid is een fundamenteel mensenrecht. Kinderen mogen nooit worden opgesloten "
            "enkel omwille van hun migratiestatus of die van hun ouders of voogd.",
        },
        {
            "key": "looked-after",
            "heading": "…verzorgd",
            "body": "Het hoger belang van het kind moet de eerste overweging zijn bij elke "
            "maatregel die een staat ten aanzien van een kind kan nemen.\n\n"
            "Wij willen niet dat kinderen in ons land worden opgesloten, enkel omwille van hun "
            "migratiestatus of die van hun ouders of voogd. Wij willen dat alle kinderen als "
            "kinderen worden behandeld, dat ze vrij zijn, dat er voor hen wordt gezorgd, dat ze "
            "worden beschermd en dat ze dezelfde rechten genieten.",
        },
    ],
}
