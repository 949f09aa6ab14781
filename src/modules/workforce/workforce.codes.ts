/** The workforce module's problem codes (the `code` of its problem+json answers). */
export enum WorkforceError {
  DepartmentCodeTaken = 'department_code_taken',
  PostCodeTaken = 'post_code_taken',
  StaffNumberTaken = 'staff_number_taken',
  ImportRejected = 'import_rejected',
  InvalidCsv = 'invalid_csv',
  InvalidCsvHeader = 'invalid_csv_header',
}

/** The workforce module's audit actions. */
export enum WorkforceAudit {
  DepartmentCreate = 'department.create',
  DepartmentUpdate = 'department.update',
  PostCreate = 'post.create',
  PostUpdate = 'post.update',
  MemberCreate = 'workforce_member.create',
  MemberList = 'workforce_member.list',
  MemberRead = 'workforce_member.read',
  MemberUpdate = 'workforce_member.update',
  MemberImport = 'workforce_member.import',
}

/** The resource types workforce's audit rows name. */
export enum WorkforceResource {
  Department = 'department',
  Post = 'post',
  Member = 'workforce_member',
}
