/*
 * The demo's fictional texts, per category: a few readable variants each, with places and systems filled in
 * per row, so that a list of reports reads like a unit's work rather than one sentence repeated. All people,
 * places and events are invented (the banner and each report's source details say so).
 */

/** Invented places of the demo force's area. */
export const PLACES = [
  'Ashford Vale',
  'Brockley Cross',
  'Castleton',
  'Denholm',
  'Eastbridge',
  'Fenwick Green',
  'Greyhaven',
  'Harlow Park',
  'Kingsmead',
  'Millbrook',
];

/** Force systems an audit hit or a disclosure may concern. */
export const SYSTEMS = [
  'the Police National Computer',
  'the force records system',
  'the custody system',
  'the command and control log',
  'the intelligence database',
  'the crime recording system',
];

/** Narrative variants per category ({place} and {system} are filled in per report). */
export const NARRATIVES: Record<string, string[]> = {
  abuse_of_position_sexual: [
    'A woman who reported domestic abuse in {place} says the attending officer later messaged her on social media, asking to meet for a drink and commenting on her appearance.',
    'A support worker reports that a vulnerable client in {place} has been visited at home by an officer outside any tasking, who told her to keep their contact private.',
    'A witness in a {place} assault case says the officer in the case sent late-night texts of a sexual nature and offered help with her court case.',
  ],
  infiltration: [
    'Information suggests a recent recruit has close family links to an organised crime group active in {place} that were not declared during vetting.',
    'A contractor working on {system} is reported to be associated with a group in {place} seeking information on police operations.',
  ],
  disclosure_of_information: [
    'A staff member is believed to have told a relative in {place} that a warrant was planned at an address connected to them.',
    'Details from {system} about an ongoing {place} investigation appeared in a local social media group shortly after being viewed by the subject.',
    'A colleague reports the subject discussing the details of a sensitive {place} case with a journalist at a social event.',
  ],
  perverting_justice: [
    'The subject is reported to have discouraged a witness in {place} from attending court and suggested the complaint would go nowhere.',
    'An exhibit log in a {place} drugs case appears to have been altered after the event; the subject was the exhibits officer.',
  ],
  sexual_misconduct: [
    'A probationer reports repeated unwanted comments and touching by a more senior colleague during night shifts at {place}.',
    'Several colleagues at {place} describe the subject making sexual remarks to junior staff and sharing explicit images in a work group chat.',
  ],
  drugs: [
    'An anonymous caller states the subject buys cocaine from a dealer in {place} and uses it at weekends.',
    'A partner agency reports that the subject was seen at a known drug address in {place} while off duty.',
    'The subject is believed to be supplying cannabis to friends in {place}; one of them was recently arrested in possession.',
  ],
  theft_fraud: [
    'An audit found overtime claims for shifts the subject did not work and fuel card use on rest days near {place}.',
    'Property seized in a {place} burglary enquiry, including cash, cannot be found; the subject signed for it last.',
    'The subject is reported to be running a private business from {place} during duty hours and claiming expenses for it.',
  ],
  misuse_of_systems: [
    'Monitoring hit: repeated searches of {system} for a neighbour in {place} with no policing purpose.',
    'Audit shows the subject viewed {system} records about a former partner and her new partner on several occasions.',
    'The subject searched {system} for the details of a car seen outside their home in {place}; no incident was recorded.',
  ],
  abuse_of_authority: [
    'A member of the public in {place} reports that an officer threatened arrest to settle a private dispute over a car sale.',
    'The subject is reported to have used their warrant card to avoid a parking penalty and to gain entry to a venue in {place}.',
  ],
  inappropriate_association: [
    'The subject has been seen regularly socialising with a known drug supplier at a gym in {place}.',
    'A self-declaration was not made: the subject is in a relationship with a person on bail for offences in {place}.',
    'The subject is reported to be friends on social media with members of a {place} organised crime group and to meet them at a pub.',
  ],
  vulnerability: [
    'The subject has significant gambling debts and has asked colleagues for loans; a possible risk of coercion.',
    'A colleague is concerned that the subject is drinking heavily and is in debt to a man in {place} with criminal links.',
  ],
  assisting_offenders: [
    'Intelligence that the subject warned a suspect in {place} of a planned warrant at his address.',
    'The subject is believed to have passed the registration of an unmarked car to a group dealing in {place}.',
  ],
  other: [
    'Concern raised about a contractor with unsupervised access to the custody suite at {place}.',
    'The subject is reported to have failed to declare a second job at a security firm in {place}.',
  ],
};

/** The analyst's assessment, per category (the decision's recommendation follows it). */
export const ASSESSMENTS: Record<string, string> = {
  abuse_of_position_sexual:
    "Contact records and the subject's duty history checked against the victim's account; the pattern fits an abuse of position for a sexual purpose and a vulnerable person is involved.",
  infiltration:
    'Vetting file and declared associations reviewed; open-source checks made on the named associates.',
  disclosure_of_information:
    "Audit of the subject's system access for the period obtained and compared with the dates of the disclosure.",
  perverting_justice:
    'Case papers and exhibit records reviewed; the officer in the case and the CPS lawyer spoken to.',
  sexual_misconduct:
    "Duty rosters checked against the dates given; the reporting person's account is detailed and consistent.",
  drugs:
    "Source's access assessed; no corroboration on police systems; the subject's duty pattern is consistent with the account.",
  theft_fraud: 'Overtime, duty and fuel card records reconciled for the period; discrepancies quantified.',
  misuse_of_systems:
    "Full audit of the subject's searches obtained; no policing purpose found on the associated incident and crime records.",
  abuse_of_authority:
    'Complaint history and body-worn video of the encounter reviewed; the complainant re-contacted.',
  inappropriate_association:
    'Associates researched on force and national systems; declarations of the subject checked; no declaration found.',
  vulnerability:
    'Information shared with occupational health and the line manager under the welfare protocol; vetting review considered.',
  assisting_offenders:
    "Timeline of the warrant briefing against the suspect's movements reconstructed; briefing attendees listed.",
  other: 'Access records and supervision arrangements reviewed with the department.',
};

/** Where a disseminated report went, per category. */
export const RECIPIENTS: Record<string, string> = {
  abuse_of_position_sexual: 'Public Protection Unit',
  infiltration: 'Regional organised crime unit',
  drugs: 'Regional organised crime unit',
  assisting_offenders: 'Regional organised crime unit',
  inappropriate_association: 'Regional organised crime unit',
  vulnerability: 'Occupational Health and the line manager',
  misuse_of_systems: 'Information Management: data protection officer',
  theft_fraud: 'Economic crime unit',
};

/** A case's allegation summary, per category. */
export const CASE_SUMMARIES: Record<string, string> = {
  abuse_of_position_sexual:
    'Alleged abuse of position for a sexual purpose: pursuing a relationship with a vulnerable person met on duty.',
  infiltration:
    'Alleged undeclared links to an organised crime group and access to information on its behalf.',
  disclosure_of_information:
    'Alleged unauthorised disclosure of police information to a person outside the force.',
  perverting_justice: 'Alleged interference with a witness and with evidence in a criminal case.',
  sexual_misconduct: 'Alleged sexual harassment of colleagues at work.',
  drugs: 'Alleged possession and use of controlled drugs, and association with a supplier.',
  theft_fraud: 'Alleged false overtime and expenses claims and misuse of a fuel card.',
  misuse_of_systems: 'Alleged misuse of force systems: searches with no policing purpose.',
  abuse_of_authority: 'Alleged use of police powers and warrant card for personal advantage.',
  inappropriate_association: 'Alleged undeclared association with persons involved in crime.',
  vulnerability: 'Financial vulnerability and an undeclared debt to a person with criminal links.',
  assisting_offenders: 'Alleged tipping-off of a suspect about police action.',
  other: "Alleged breach of the force's business interests and declarations policy.",
};

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** An SQL CASE on `category` (a text expression) choosing among `variants` with `pick` (an integer expression). */
export function perCategorySql(
  category: string,
  texts: Record<string, string | string[]>,
  pick = '0',
  fallback = 'NULL',
): string {
  const branches = Object.entries(texts)
    .map(([c, t]) => {
      const list = Array.isArray(t) ? t : [t];
      const value =
        list.length === 1
          ? quote(list[0])
          : `(ARRAY[${list.map(quote).join(', ')}])[1 + (${pick}) % ${list.length}]`;
      return `WHEN '${c}' THEN ${value}`;
    })
    .join(' ');
  return `(CASE ${category} ${branches} ELSE ${fallback} END)`;
}

/** `text` (SQL) with {place} and {system} replaced by the entries that `pick` (an integer expression) selects. */
export const filledSql = (text: string, pick: string): string =>
  `replace(replace(${text}, '{place}', (ARRAY[${PLACES.map(quote).join(', ')}])[1 + (${pick}) % ${PLACES.length}]),
           '{system}', (ARRAY[${SYSTEMS.map(quote).join(', ')}])[1 + ((${pick}) / 16) % ${SYSTEMS.length}])`;
