/**
 * Win32 error rows ([MS-ERREF] §2.2, values and descriptions as published), selected as: 0-399,
 * services 1050-1099, network 1200-1249, security/logon 1300-1399, 1450-1469, RPC_S_..., RPC_X_..., EPT_S_...
 * and logon/trust 1700-1999, 2108-2109, and single pipe/I-O/network/encryption codes (535, 536,
 * 995-998, 1117, 1130, 1168, 1265, 1272, 6000, 6001); the RPC_S_/RPC_X_ aliases
 * of Win32 values that winerror.h defines; and every NERR_* row (2100-2999) in its own table.
 *
 * Rows are kept as text, one per line: `CODE NAME message`, `=NAME` marking an alias (see
 * table.ts parseRows). A string literal costs the CLI's start-up a fraction of what ~2,000 object
 * literals do (bench/cli-startup.mjs); the name unions keep every lookup typed.
 */

/** Every name in WIN32_ROWS, in row order. */
export type Win32Name =
  | 'ERROR_SUCCESS'
  | 'ERROR_INVALID_FUNCTION'
  | 'ERROR_FILE_NOT_FOUND'
  | 'ERROR_PATH_NOT_FOUND'
  | 'ERROR_TOO_MANY_OPEN_FILES'
  | 'ERROR_ACCESS_DENIED'
  | 'ERROR_INVALID_HANDLE'
  | 'ERROR_ARENA_TRASHED'
  | 'ERROR_NOT_ENOUGH_MEMORY'
  | 'ERROR_INVALID_BLOCK'
  | 'ERROR_BAD_ENVIRONMENT'
  | 'ERROR_BAD_FORMAT'
  | 'ERROR_INVALID_ACCESS'
  | 'ERROR_INVALID_DATA'
  | 'ERROR_OUTOFMEMORY'
  | 'ERROR_INVALID_DRIVE'
  | 'ERROR_CURRENT_DIRECTORY'
  | 'ERROR_NOT_SAME_DEVICE'
  | 'ERROR_NO_MORE_FILES'
  | 'ERROR_WRITE_PROTECT'
  | 'ERROR_BAD_UNIT'
  | 'ERROR_NOT_READY'
  | 'ERROR_BAD_COMMAND'
  | 'ERROR_CRC'
  | 'ERROR_BAD_LENGTH'
  | 'ERROR_SEEK'
  | 'ERROR_NOT_DOS_DISK'
  | 'ERROR_SECTOR_NOT_FOUND'
  | 'ERROR_OUT_OF_PAPER'
  | 'ERROR_WRITE_FAULT'
  | 'ERROR_READ_FAULT'
  | 'ERROR_GEN_FAILURE'
  | 'ERROR_SHARING_VIOLATION'
  | 'ERROR_LOCK_VIOLATION'
  | 'ERROR_WRONG_DISK'
  | 'ERROR_SHARING_BUFFER_EXCEEDED'
  | 'ERROR_HANDLE_EOF'
  | 'ERROR_HANDLE_DISK_FULL'
  | 'ERROR_NOT_SUPPORTED'
  | 'ERROR_REM_NOT_LIST'
  | 'ERROR_DUP_NAME'
  | 'ERROR_BAD_NETPATH'
  | 'ERROR_NETWORK_BUSY'
  | 'ERROR_DEV_NOT_EXIST'
  | 'ERROR_TOO_MANY_CMDS'
  | 'ERROR_ADAP_HDW_ERR'
  | 'ERROR_BAD_NET_RESP'
  | 'ERROR_UNEXP_NET_ERR'
  | 'ERROR_BAD_REM_ADAP'
  | 'ERROR_PRINTQ_FULL'
  | 'ERROR_NO_SPOOL_SPACE'
  | 'ERROR_PRINT_CANCELLED'
  | 'ERROR_NETNAME_DELETED'
  | 'ERROR_NETWORK_ACCESS_DENIED'
  | 'ERROR_BAD_DEV_TYPE'
  | 'ERROR_BAD_NET_NAME'
  | 'ERROR_TOO_MANY_NAMES'
  | 'ERROR_TOO_MANY_SESS'
  | 'ERROR_SHARING_PAUSED'
  | 'ERROR_REQ_NOT_ACCEP'
  | 'ERROR_REDIR_PAUSED'
  | 'ERROR_FILE_EXISTS'
  | 'ERROR_CANNOT_MAKE'
  | 'ERROR_FAIL_I24'
  | 'ERROR_OUT_OF_STRUCTURES'
  | 'ERROR_ALREADY_ASSIGNED'
  | 'ERROR_INVALID_PASSWORD'
  | 'ERROR_INVALID_PARAMETER'
  | 'ERROR_NET_WRITE_FAULT'
  | 'ERROR_NO_PROC_SLOTS'
  | 'ERROR_TOO_MANY_SEMAPHORES'
  | 'ERROR_EXCL_SEM_ALREADY_OWNED'
  | 'ERROR_SEM_IS_SET'
  | 'ERROR_TOO_MANY_SEM_REQUESTS'
  | 'ERROR_INVALID_AT_INTERRUPT_TIME'
  | 'ERROR_SEM_OWNER_DIED'
  | 'ERROR_SEM_USER_LIMIT'
  | 'ERROR_DISK_CHANGE'
  | 'ERROR_DRIVE_LOCKED'
  | 'ERROR_BROKEN_PIPE'
  | 'ERROR_OPEN_FAILED'
  | 'ERROR_BUFFER_OVERFLOW'
  | 'ERROR_DISK_FULL'
  | 'ERROR_NO_MORE_SEARCH_HANDLES'
  | 'ERROR_INVALID_TARGET_HANDLE'
  | 'ERROR_INVALID_CATEGORY'
  | 'ERROR_INVALID_VERIFY_SWITCH'
  | 'ERROR_BAD_DRIVER_LEVEL'
  | 'ERROR_CALL_NOT_IMPLEMENTED'
  | 'ERROR_SEM_TIMEOUT'
  | 'ERROR_INSUFFICIENT_BUFFER'
  | 'ERROR_INVALID_NAME'
  | 'ERROR_INVALID_LEVEL'
  | 'ERROR_NO_VOLUME_LABEL'
  | 'ERROR_MOD_NOT_FOUND'
  | 'ERROR_PROC_NOT_FOUND'
  | 'ERROR_WAIT_NO_CHILDREN'
  | 'ERROR_CHILD_NOT_COMPLETE'
  | 'ERROR_DIRECT_ACCESS_HANDLE'
  | 'ERROR_NEGATIVE_SEEK'
  | 'ERROR_SEEK_ON_DEVICE'
  | 'ERROR_IS_JOIN_TARGET'
  | 'ERROR_IS_JOINED'
  | 'ERROR_IS_SUBSTED'
  | 'ERROR_NOT_JOINED'
  | 'ERROR_NOT_SUBSTED'
  | 'ERROR_JOIN_TO_JOIN'
  | 'ERROR_SUBST_TO_SUBST'
  | 'ERROR_JOIN_TO_SUBST'
  | 'ERROR_SUBST_TO_JOIN'
  | 'ERROR_BUSY_DRIVE'
  | 'ERROR_SAME_DRIVE'
  | 'ERROR_DIR_NOT_ROOT'
  | 'ERROR_DIR_NOT_EMPTY'
  | 'ERROR_IS_SUBST_PATH'
  | 'ERROR_IS_JOIN_PATH'
  | 'ERROR_PATH_BUSY'
  | 'ERROR_IS_SUBST_TARGET'
  | 'ERROR_SYSTEM_TRACE'
  | 'ERROR_INVALID_EVENT_COUNT'
  | 'ERROR_TOO_MANY_MUXWAITERS'
  | 'ERROR_INVALID_LIST_FORMAT'
  | 'ERROR_LABEL_TOO_LONG'
  | 'ERROR_TOO_MANY_TCBS'
  | 'ERROR_SIGNAL_REFUSED'
  | 'ERROR_DISCARDED'
  | 'ERROR_NOT_LOCKED'
  | 'ERROR_BAD_THREADID_ADDR'
  | 'ERROR_BAD_ARGUMENTS'
  | 'ERROR_BAD_PATHNAME'
  | 'ERROR_SIGNAL_PENDING'
  | 'ERROR_MAX_THRDS_REACHED'
  | 'ERROR_LOCK_FAILED'
  | 'ERROR_BUSY'
  | 'ERROR_CANCEL_VIOLATION'
  | 'ERROR_ATOMIC_LOCKS_NOT_SUPPORTED'
  | 'ERROR_INVALID_SEGMENT_NUMBER'
  | 'ERROR_INVALID_ORDINAL'
  | 'ERROR_ALREADY_EXISTS'
  | 'ERROR_INVALID_FLAG_NUMBER'
  | 'ERROR_SEM_NOT_FOUND'
  | 'ERROR_INVALID_STARTING_CODESEG'
  | 'ERROR_INVALID_STACKSEG'
  | 'ERROR_INVALID_MODULETYPE'
  | 'ERROR_INVALID_EXE_SIGNATURE'
  | 'ERROR_EXE_MARKED_INVALID'
  | 'ERROR_BAD_EXE_FORMAT'
  | 'ERROR_ITERATED_DATA_EXCEEDS_64k'
  | 'ERROR_INVALID_MINALLOCSIZE'
  | 'ERROR_DYNLINK_FROM_INVALID_RING'
  | 'ERROR_IOPL_NOT_ENABLED'
  | 'ERROR_INVALID_SEGDPL'
  | 'ERROR_AUTODATASEG_EXCEEDS_64k'
  | 'ERROR_RING2SEG_MUST_BE_MOVABLE'
  | 'ERROR_RELOC_CHAIN_XEEDS_SEGLIM'
  | 'ERROR_INFLOOP_IN_RELOC_CHAIN'
  | 'ERROR_ENVVAR_NOT_FOUND'
  | 'ERROR_NO_SIGNAL_SENT'
  | 'ERROR_FILENAME_EXCED_RANGE'
  | 'ERROR_RING2_STACK_IN_USE'
  | 'ERROR_META_EXPANSION_TOO_LONG'
  | 'ERROR_INVALID_SIGNAL_NUMBER'
  | 'ERROR_THREAD_1_INACTIVE'
  | 'ERROR_LOCKED'
  | 'ERROR_TOO_MANY_MODULES'
  | 'ERROR_NESTING_NOT_ALLOWED'
  | 'ERROR_EXE_MACHINE_TYPE_MISMATCH'
  | 'ERROR_EXE_CANNOT_MODIFY_SIGNED_BINARY'
  | 'ERROR_EXE_CANNOT_MODIFY_STRONG_SIGNED_BINARY'
  | 'ERROR_FILE_CHECKED_OUT'
  | 'ERROR_CHECKOUT_REQUIRED'
  | 'ERROR_BAD_FILE_TYPE'
  | 'ERROR_FILE_TOO_LARGE'
  | 'ERROR_FORMS_AUTH_REQUIRED'
  | 'ERROR_VIRUS_INFECTED'
  | 'ERROR_VIRUS_DELETED'
  | 'ERROR_PIPE_LOCAL'
  | 'ERROR_BAD_PIPE'
  | 'ERROR_PIPE_BUSY'
  | 'ERROR_NO_DATA'
  | 'ERROR_PIPE_NOT_CONNECTED'
  | 'ERROR_MORE_DATA'
  | 'ERROR_VC_DISCONNECTED'
  | 'ERROR_INVALID_EA_NAME'
  | 'ERROR_EA_LIST_INCONSISTENT'
  | 'WAIT_TIMEOUT'
  | 'ERROR_NO_MORE_ITEMS'
  | 'ERROR_CANNOT_COPY'
  | 'ERROR_DIRECTORY'
  | 'ERROR_EAS_DIDNT_FIT'
  | 'ERROR_EA_FILE_CORRUPT'
  | 'ERROR_EA_TABLE_FULL'
  | 'ERROR_INVALID_EA_HANDLE'
  | 'ERROR_EAS_NOT_SUPPORTED'
  | 'ERROR_NOT_OWNER'
  | 'ERROR_TOO_MANY_POSTS'
  | 'ERROR_PARTIAL_COPY'
  | 'ERROR_OPLOCK_NOT_GRANTED'
  | 'ERROR_INVALID_OPLOCK_PROTOCOL'
  | 'ERROR_DISK_TOO_FRAGMENTED'
  | 'ERROR_DELETE_PENDING'
  | 'ERROR_MR_MID_NOT_FOUND'
  | 'ERROR_SCOPE_NOT_FOUND'
  | 'ERROR_FAIL_NOACTION_REBOOT'
  | 'ERROR_FAIL_SHUTDOWN'
  | 'ERROR_FAIL_RESTART'
  | 'ERROR_MAX_SESSIONS_REACHED'
  | 'ERROR_DEPENDENT_SERVICES_RUNNING'
  | 'ERROR_INVALID_SERVICE_CONTROL'
  | 'ERROR_SERVICE_REQUEST_TIMEOUT'
  | 'ERROR_SERVICE_NO_THREAD'
  | 'ERROR_SERVICE_DATABASE_LOCKED'
  | 'ERROR_SERVICE_ALREADY_RUNNING'
  | 'ERROR_INVALID_SERVICE_ACCOUNT'
  | 'ERROR_SERVICE_DISABLED'
  | 'ERROR_CIRCULAR_DEPENDENCY'
  | 'ERROR_SERVICE_DOES_NOT_EXIST'
  | 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL'
  | 'ERROR_SERVICE_NOT_ACTIVE'
  | 'ERROR_FAILED_SERVICE_CONTROLLER_CONNECT'
  | 'ERROR_EXCEPTION_IN_SERVICE'
  | 'ERROR_DATABASE_DOES_NOT_EXIST'
  | 'ERROR_SERVICE_SPECIFIC_ERROR'
  | 'ERROR_PROCESS_ABORTED'
  | 'ERROR_SERVICE_DEPENDENCY_FAIL'
  | 'ERROR_SERVICE_LOGON_FAILED'
  | 'ERROR_SERVICE_START_HANG'
  | 'ERROR_INVALID_SERVICE_LOCK'
  | 'ERROR_SERVICE_MARKED_FOR_DELETE'
  | 'ERROR_SERVICE_EXISTS'
  | 'ERROR_ALREADY_RUNNING_LKG'
  | 'ERROR_SERVICE_DEPENDENCY_DELETED'
  | 'ERROR_BOOT_ALREADY_ACCEPTED'
  | 'ERROR_SERVICE_NEVER_STARTED'
  | 'ERROR_DUPLICATE_SERVICE_NAME'
  | 'ERROR_DIFFERENT_SERVICE_ACCOUNT'
  | 'ERROR_CANNOT_DETECT_DRIVER_FAILURE'
  | 'ERROR_CANNOT_DETECT_PROCESS_ABORT'
  | 'ERROR_NO_RECOVERY_PROGRAM'
  | 'ERROR_SERVICE_NOT_IN_EXE'
  | 'ERROR_NOT_SAFEBOOT_SERVICE'
  | 'ERROR_BAD_DEVICE'
  | 'ERROR_CONNECTION_UNAVAIL'
  | 'ERROR_DEVICE_ALREADY_REMEMBERED'
  | 'ERROR_NO_NET_OR_BAD_PATH'
  | 'ERROR_BAD_PROVIDER'
  | 'ERROR_CANNOT_OPEN_PROFILE'
  | 'ERROR_BAD_PROFILE'
  | 'ERROR_NOT_CONTAINER'
  | 'ERROR_EXTENDED_ERROR'
  | 'ERROR_INVALID_GROUPNAME'
  | 'ERROR_INVALID_COMPUTERNAME'
  | 'ERROR_INVALID_EVENTNAME'
  | 'ERROR_INVALID_DOMAINNAME'
  | 'ERROR_INVALID_SERVICENAME'
  | 'ERROR_INVALID_NETNAME'
  | 'ERROR_INVALID_SHARENAME'
  | 'ERROR_INVALID_PASSWORDNAME'
  | 'ERROR_INVALID_MESSAGENAME'
  | 'ERROR_INVALID_MESSAGEDEST'
  | 'ERROR_SESSION_CREDENTIAL_CONFLICT'
  | 'ERROR_REMOTE_SESSION_LIMIT_EXCEEDED'
  | 'ERROR_DUP_DOMAINNAME'
  | 'ERROR_NO_NETWORK'
  | 'ERROR_CANCELLED'
  | 'ERROR_USER_MAPPED_FILE'
  | 'ERROR_CONNECTION_REFUSED'
  | 'ERROR_GRACEFUL_DISCONNECT'
  | 'ERROR_ADDRESS_ALREADY_ASSOCIATED'
  | 'ERROR_ADDRESS_NOT_ASSOCIATED'
  | 'ERROR_CONNECTION_INVALID'
  | 'ERROR_CONNECTION_ACTIVE'
  | 'ERROR_NETWORK_UNREACHABLE'
  | 'ERROR_HOST_UNREACHABLE'
  | 'ERROR_PROTOCOL_UNREACHABLE'
  | 'ERROR_PORT_UNREACHABLE'
  | 'ERROR_REQUEST_ABORTED'
  | 'ERROR_CONNECTION_ABORTED'
  | 'ERROR_RETRY'
  | 'ERROR_CONNECTION_COUNT_LIMIT'
  | 'ERROR_LOGIN_TIME_RESTRICTION'
  | 'ERROR_LOGIN_WKSTA_RESTRICTION'
  | 'ERROR_INCORRECT_ADDRESS'
  | 'ERROR_ALREADY_REGISTERED'
  | 'ERROR_SERVICE_NOT_FOUND'
  | 'ERROR_NOT_AUTHENTICATED'
  | 'ERROR_NOT_LOGGED_ON'
  | 'ERROR_CONTINUE'
  | 'ERROR_ALREADY_INITIALIZED'
  | 'ERROR_NO_MORE_DEVICES'
  | 'ERROR_NO_SUCH_SITE'
  | 'ERROR_NOT_ALL_ASSIGNED'
  | 'ERROR_SOME_NOT_MAPPED'
  | 'ERROR_NO_QUOTAS_FOR_ACCOUNT'
  | 'ERROR_LOCAL_USER_SESSION_KEY'
  | 'ERROR_NULL_LM_PASSWORD'
  | 'ERROR_UNKNOWN_REVISION'
  | 'ERROR_REVISION_MISMATCH'
  | 'ERROR_INVALID_OWNER'
  | 'ERROR_INVALID_PRIMARY_GROUP'
  | 'ERROR_NO_IMPERSONATION_TOKEN'
  | 'ERROR_CANT_DISABLE_MANDATORY'
  | 'ERROR_NO_LOGON_SERVERS'
  | 'ERROR_NO_SUCH_LOGON_SESSION'
  | 'ERROR_NO_SUCH_PRIVILEGE'
  | 'ERROR_PRIVILEGE_NOT_HELD'
  | 'ERROR_INVALID_ACCOUNT_NAME'
  | 'ERROR_USER_EXISTS'
  | 'ERROR_NO_SUCH_USER'
  | 'ERROR_GROUP_EXISTS'
  | 'ERROR_NO_SUCH_GROUP'
  | 'ERROR_MEMBER_IN_GROUP'
  | 'ERROR_MEMBER_NOT_IN_GROUP'
  | 'ERROR_LAST_ADMIN'
  | 'ERROR_WRONG_PASSWORD'
  | 'ERROR_ILL_FORMED_PASSWORD'
  | 'ERROR_PASSWORD_RESTRICTION'
  | 'ERROR_LOGON_FAILURE'
  | 'ERROR_ACCOUNT_RESTRICTION'
  | 'ERROR_INVALID_LOGON_HOURS'
  | 'ERROR_INVALID_WORKSTATION'
  | 'ERROR_PASSWORD_EXPIRED'
  | 'ERROR_ACCOUNT_DISABLED'
  | 'ERROR_NONE_MAPPED'
  | 'ERROR_TOO_MANY_LUIDS_REQUESTED'
  | 'ERROR_LUIDS_EXHAUSTED'
  | 'ERROR_INVALID_SUB_AUTHORITY'
  | 'ERROR_INVALID_ACL'
  | 'ERROR_INVALID_SID'
  | 'ERROR_INVALID_SECURITY_DESCR'
  | 'ERROR_BAD_INHERITANCE_ACL'
  | 'ERROR_SERVER_DISABLED'
  | 'ERROR_SERVER_NOT_DISABLED'
  | 'ERROR_INVALID_ID_AUTHORITY'
  | 'ERROR_ALLOTTED_SPACE_EXCEEDED'
  | 'ERROR_INVALID_GROUP_ATTRIBUTES'
  | 'ERROR_BAD_IMPERSONATION_LEVEL'
  | 'ERROR_CANT_OPEN_ANONYMOUS'
  | 'ERROR_BAD_VALIDATION_CLASS'
  | 'ERROR_BAD_TOKEN_TYPE'
  | 'ERROR_NO_SECURITY_ON_OBJECT'
  | 'ERROR_CANT_ACCESS_DOMAIN_INFO'
  | 'ERROR_INVALID_SERVER_STATE'
  | 'ERROR_INVALID_DOMAIN_STATE'
  | 'ERROR_INVALID_DOMAIN_ROLE'
  | 'ERROR_NO_SUCH_DOMAIN'
  | 'ERROR_DOMAIN_EXISTS'
  | 'ERROR_DOMAIN_LIMIT_EXCEEDED'
  | 'ERROR_INTERNAL_DB_CORRUPTION'
  | 'ERROR_INTERNAL_ERROR'
  | 'ERROR_GENERIC_NOT_MAPPED'
  | 'ERROR_BAD_DESCRIPTOR_FORMAT'
  | 'ERROR_NOT_LOGON_PROCESS'
  | 'ERROR_LOGON_SESSION_EXISTS'
  | 'ERROR_NO_SUCH_PACKAGE'
  | 'ERROR_BAD_LOGON_SESSION_STATE'
  | 'ERROR_LOGON_SESSION_COLLISION'
  | 'ERROR_INVALID_LOGON_TYPE'
  | 'ERROR_CANNOT_IMPERSONATE'
  | 'ERROR_RXACT_INVALID_STATE'
  | 'ERROR_RXACT_COMMIT_FAILURE'
  | 'ERROR_SPECIAL_ACCOUNT'
  | 'ERROR_SPECIAL_GROUP'
  | 'ERROR_SPECIAL_USER'
  | 'ERROR_MEMBERS_PRIMARY_GROUP'
  | 'ERROR_TOKEN_ALREADY_IN_USE'
  | 'ERROR_NO_SUCH_ALIAS'
  | 'ERROR_MEMBER_NOT_IN_ALIAS'
  | 'ERROR_MEMBER_IN_ALIAS'
  | 'ERROR_ALIAS_EXISTS'
  | 'ERROR_LOGON_NOT_GRANTED'
  | 'ERROR_TOO_MANY_SECRETS'
  | 'ERROR_SECRET_TOO_LONG'
  | 'ERROR_INTERNAL_DB_ERROR'
  | 'ERROR_TOO_MANY_CONTEXT_IDS'
  | 'ERROR_LOGON_TYPE_NOT_GRANTED'
  | 'ERROR_NT_CROSS_ENCRYPTION_REQUIRED'
  | 'ERROR_NO_SUCH_MEMBER'
  | 'ERROR_INVALID_MEMBER'
  | 'ERROR_TOO_MANY_SIDS'
  | 'ERROR_LM_CROSS_ENCRYPTION_REQUIRED'
  | 'ERROR_NO_INHERITANCE'
  | 'ERROR_FILE_CORRUPT'
  | 'ERROR_DISK_CORRUPT'
  | 'ERROR_NO_USER_SESSION_KEY'
  | 'ERROR_LICENSE_QUOTA_EXCEEDED'
  | 'ERROR_WRONG_TARGET_NAME'
  | 'ERROR_MUTUAL_AUTH_FAILED'
  | 'ERROR_TIME_SKEW'
  | 'ERROR_CURRENT_DOMAIN_NOT_ALLOWED'
  | 'ERROR_NO_SYSTEM_RESOURCES'
  | 'ERROR_NONPAGED_SYSTEM_RESOURCES'
  | 'ERROR_PAGED_SYSTEM_RESOURCES'
  | 'ERROR_WORKING_SET_QUOTA'
  | 'ERROR_PAGEFILE_QUOTA'
  | 'ERROR_COMMITMENT_LIMIT'
  | 'ERROR_MENU_ITEM_NOT_FOUND'
  | 'ERROR_INVALID_KEYBOARD_HANDLE'
  | 'ERROR_HOOK_TYPE_NOT_ALLOWED'
  | 'ERROR_REQUIRES_INTERACTIVE_WINDOWSTATION'
  | 'ERROR_TIMEOUT'
  | 'ERROR_INVALID_MONITOR_HANDLE'
  | 'ERROR_INCORRECT_SIZE'
  | 'ERROR_SYMLINK_CLASS_DISABLED'
  | 'ERROR_SYMLINK_NOT_SUPPORTED'
  | 'RPC_S_INVALID_STRING_BINDING'
  | 'RPC_S_WRONG_KIND_OF_BINDING'
  | 'RPC_S_INVALID_BINDING'
  | 'RPC_S_PROTSEQ_NOT_SUPPORTED'
  | 'RPC_S_INVALID_RPC_PROTSEQ'
  | 'RPC_S_INVALID_STRING_UUID'
  | 'RPC_S_INVALID_ENDPOINT_FORMAT'
  | 'RPC_S_INVALID_NET_ADDR'
  | 'RPC_S_NO_ENDPOINT_FOUND'
  | 'RPC_S_INVALID_TIMEOUT'
  | 'RPC_S_OBJECT_NOT_FOUND'
  | 'RPC_S_ALREADY_REGISTERED'
  | 'RPC_S_TYPE_ALREADY_REGISTERED'
  | 'RPC_S_ALREADY_LISTENING'
  | 'RPC_S_NO_PROTSEQS_REGISTERED'
  | 'RPC_S_NOT_LISTENING'
  | 'RPC_S_UNKNOWN_MGR_TYPE'
  | 'RPC_S_UNKNOWN_IF'
  | 'RPC_S_NO_BINDINGS'
  | 'RPC_S_NO_PROTSEQS'
  | 'RPC_S_CANT_CREATE_ENDPOINT'
  | 'RPC_S_OUT_OF_RESOURCES'
  | 'RPC_S_SERVER_UNAVAILABLE'
  | 'RPC_S_SERVER_TOO_BUSY'
  | 'RPC_S_INVALID_NETWORK_OPTIONS'
  | 'RPC_S_NO_CALL_ACTIVE'
  | 'RPC_S_CALL_FAILED'
  | 'RPC_S_CALL_FAILED_DNE'
  | 'RPC_S_PROTOCOL_ERROR'
  | 'RPC_S_PROXY_ACCESS_DENIED'
  | 'RPC_S_UNSUPPORTED_TRANS_SYN'
  | 'RPC_S_UNSUPPORTED_TYPE'
  | 'RPC_S_INVALID_TAG'
  | 'RPC_S_INVALID_BOUND'
  | 'RPC_S_NO_ENTRY_NAME'
  | 'RPC_S_INVALID_NAME_SYNTAX'
  | 'RPC_S_UNSUPPORTED_NAME_SYNTAX'
  | 'RPC_S_UUID_NO_ADDRESS'
  | 'RPC_S_DUPLICATE_ENDPOINT'
  | 'RPC_S_UNKNOWN_AUTHN_TYPE'
  | 'RPC_S_MAX_CALLS_TOO_SMALL'
  | 'RPC_S_STRING_TOO_LONG'
  | 'RPC_S_PROTSEQ_NOT_FOUND'
  | 'RPC_S_PROCNUM_OUT_OF_RANGE'
  | 'RPC_S_BINDING_HAS_NO_AUTH'
  | 'RPC_S_UNKNOWN_AUTHN_SERVICE'
  | 'RPC_S_UNKNOWN_AUTHN_LEVEL'
  | 'RPC_S_INVALID_AUTH_IDENTITY'
  | 'RPC_S_UNKNOWN_AUTHZ_SERVICE'
  | 'EPT_S_INVALID_ENTRY'
  | 'EPT_S_CANT_PERFORM_OP'
  | 'EPT_S_NOT_REGISTERED'
  | 'RPC_S_NOTHING_TO_EXPORT'
  | 'RPC_S_INCOMPLETE_NAME'
  | 'RPC_S_INVALID_VERS_OPTION'
  | 'RPC_S_NO_MORE_MEMBERS'
  | 'RPC_S_NOT_ALL_OBJS_UNEXPORTED'
  | 'RPC_S_INTERFACE_NOT_FOUND'
  | 'RPC_S_ENTRY_ALREADY_EXISTS'
  | 'RPC_S_ENTRY_NOT_FOUND'
  | 'RPC_S_NAME_SERVICE_UNAVAILABLE'
  | 'RPC_S_INVALID_NAF_ID'
  | 'RPC_S_CANNOT_SUPPORT'
  | 'RPC_S_NO_CONTEXT_AVAILABLE'
  | 'RPC_S_INTERNAL_ERROR'
  | 'RPC_S_ZERO_DIVIDE'
  | 'RPC_S_ADDRESS_ERROR'
  | 'RPC_S_FP_DIV_ZERO'
  | 'RPC_S_FP_UNDERFLOW'
  | 'RPC_S_FP_OVERFLOW'
  | 'RPC_X_NO_MORE_ENTRIES'
  | 'RPC_X_SS_CHAR_TRANS_OPEN_FAIL'
  | 'RPC_X_SS_CHAR_TRANS_SHORT_FILE'
  | 'RPC_X_SS_IN_NULL_CONTEXT'
  | 'RPC_X_SS_CONTEXT_DAMAGED'
  | 'RPC_X_SS_HANDLES_MISMATCH'
  | 'RPC_X_SS_CANNOT_GET_CALL_HANDLE'
  | 'RPC_X_NULL_REF_POINTER'
  | 'RPC_X_ENUM_VALUE_OUT_OF_RANGE'
  | 'RPC_X_BYTE_COUNT_TOO_SMALL'
  | 'RPC_X_BAD_STUB_DATA'
  | 'ERROR_INVALID_USER_BUFFER'
  | 'ERROR_UNRECOGNIZED_MEDIA'
  | 'ERROR_NO_TRUST_LSA_SECRET'
  | 'ERROR_NO_TRUST_SAM_ACCOUNT'
  | 'ERROR_TRUSTED_DOMAIN_FAILURE'
  | 'ERROR_TRUSTED_RELATIONSHIP_FAILURE'
  | 'ERROR_TRUST_FAILURE'
  | 'RPC_S_CALL_IN_PROGRESS'
  | 'ERROR_NETLOGON_NOT_STARTED'
  | 'ERROR_ACCOUNT_EXPIRED'
  | 'ERROR_REDIRECTOR_HAS_OPEN_HANDLES'
  | 'ERROR_PRINTER_DRIVER_ALREADY_INSTALLED'
  | 'ERROR_UNKNOWN_PORT'
  | 'ERROR_UNKNOWN_PRINTER_DRIVER'
  | 'ERROR_UNKNOWN_PRINTPROCESSOR'
  | 'ERROR_INVALID_SEPARATOR_FILE'
  | 'ERROR_INVALID_PRIORITY'
  | 'ERROR_INVALID_PRINTER_NAME'
  | 'ERROR_PRINTER_ALREADY_EXISTS'
  | 'ERROR_INVALID_PRINTER_COMMAND'
  | 'ERROR_INVALID_DATATYPE'
  | 'ERROR_INVALID_ENVIRONMENT'
  | 'RPC_S_NO_MORE_BINDINGS'
  | 'ERROR_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT'
  | 'ERROR_NOLOGON_WORKSTATION_TRUST_ACCOUNT'
  | 'ERROR_NOLOGON_SERVER_TRUST_ACCOUNT'
  | 'ERROR_DOMAIN_TRUST_INCONSISTENT'
  | 'ERROR_SERVER_HAS_OPEN_HANDLES'
  | 'ERROR_RESOURCE_DATA_NOT_FOUND'
  | 'ERROR_RESOURCE_TYPE_NOT_FOUND'
  | 'ERROR_RESOURCE_NAME_NOT_FOUND'
  | 'ERROR_RESOURCE_LANG_NOT_FOUND'
  | 'ERROR_NOT_ENOUGH_QUOTA'
  | 'RPC_S_NO_INTERFACES'
  | 'RPC_S_CALL_CANCELLED'
  | 'RPC_S_BINDING_INCOMPLETE'
  | 'RPC_S_COMM_FAILURE'
  | 'RPC_S_UNSUPPORTED_AUTHN_LEVEL'
  | 'RPC_S_NO_PRINC_NAME'
  | 'RPC_S_NOT_RPC_ERROR'
  | 'RPC_S_UUID_LOCAL_ONLY'
  | 'RPC_S_SEC_PKG_ERROR'
  | 'RPC_S_NOT_CANCELLED'
  | 'RPC_X_INVALID_ES_ACTION'
  | 'RPC_X_WRONG_ES_VERSION'
  | 'RPC_X_WRONG_STUB_VERSION'
  | 'RPC_X_INVALID_PIPE_OBJECT'
  | 'RPC_X_WRONG_PIPE_ORDER'
  | 'RPC_X_WRONG_PIPE_VERSION'
  | 'RPC_S_GROUP_MEMBER_NOT_FOUND'
  | 'EPT_S_CANT_CREATE'
  | 'RPC_S_INVALID_OBJECT'
  | 'ERROR_INVALID_TIME'
  | 'ERROR_INVALID_FORM_NAME'
  | 'ERROR_INVALID_FORM_SIZE'
  | 'ERROR_ALREADY_WAITING'
  | 'ERROR_PRINTER_DELETED'
  | 'ERROR_INVALID_PRINTER_STATE'
  | 'ERROR_PASSWORD_MUST_CHANGE'
  | 'ERROR_DOMAIN_CONTROLLER_NOT_FOUND'
  | 'ERROR_ACCOUNT_LOCKED_OUT'
  | 'OR_INVALID_OXID'
  | 'OR_INVALID_OID'
  | 'OR_INVALID_SET'
  | 'RPC_S_SEND_INCOMPLETE'
  | 'RPC_S_INVALID_ASYNC_HANDLE'
  | 'RPC_S_INVALID_ASYNC_CALL'
  | 'RPC_X_PIPE_CLOSED'
  | 'RPC_X_PIPE_DISCIPLINE_ERROR'
  | 'RPC_X_PIPE_EMPTY'
  | 'ERROR_NO_SITENAME'
  | 'ERROR_CANT_ACCESS_FILE'
  | 'ERROR_CANT_RESOLVE_FILENAME'
  | 'RPC_S_ENTRY_TYPE_MISMATCH'
  | 'RPC_S_NOT_ALL_OBJS_EXPORTED'
  | 'RPC_S_INTERFACE_NOT_EXPORTED'
  | 'RPC_S_PROFILE_NOT_ADDED'
  | 'RPC_S_PRF_ELT_NOT_ADDED'
  | 'RPC_S_PRF_ELT_NOT_REMOVED'
  | 'RPC_S_GRP_ELT_NOT_ADDED'
  | 'RPC_S_GRP_ELT_NOT_REMOVED'
  | 'ERROR_KM_DRIVER_BLOCKED'
  | 'ERROR_CONTEXT_EXPIRED'
  | 'ERROR_PER_USER_TRUST_QUOTA_EXCEEDED'
  | 'ERROR_ALL_USER_TRUST_QUOTA_EXCEEDED'
  | 'ERROR_USER_DELETE_TRUST_QUOTA_EXCEEDED'
  | 'ERROR_AUTHENTICATION_FIREWALL_FAILED'
  | 'ERROR_REMOTE_PRINT_CONNECTIONS_BLOCKED'
  | 'ERROR_CONNECTED_OTHER_PASSWORD'
  | 'ERROR_CONNECTED_OTHER_PASSWORD_DEFAULT'
  | 'ERROR_PIPE_CONNECTED'
  | 'ERROR_PIPE_LISTENING'
  | 'ERROR_OPERATION_ABORTED'
  | 'ERROR_IO_INCOMPLETE'
  | 'ERROR_IO_PENDING'
  | 'ERROR_NOACCESS'
  | 'ERROR_IO_DEVICE'
  | 'ERROR_NOT_ENOUGH_SERVER_MEMORY'
  | 'ERROR_NOT_FOUND'
  | 'ERROR_DOWNGRADE_DETECTED'
  | 'ERROR_SMB_GUEST_LOGON_BLOCKED'
  | 'ERROR_ENCRYPTION_FAILED'
  | 'ERROR_DECRYPTION_FAILED'
  | 'RPC_S_ACCESS_DENIED'
  | 'RPC_S_OUT_OF_MEMORY'
  | 'RPC_X_SS_CONTEXT_MISMATCH'
  | 'RPC_S_SERVER_OUT_OF_MEMORY'
  | 'RPC_S_INVALID_ARG'
  | 'RPC_S_INVALID_LEVEL'
  | 'RPC_S_BUFFER_TOO_SMALL'
  | 'RPC_S_TIMEOUT'
  | 'RPC_S_ASYNC_CALL_PENDING'
  | 'ERROR_INVALID_STATE'
  | 'ERROR_CTX_WINSTATION_NAME_INVALID'
  | 'ERROR_CTX_WINSTATION_NOT_FOUND'
  | 'ERROR_CTX_WINSTATION_ALREADY_EXISTS'
  | 'ERROR_CTX_WINSTATION_BUSY'
  | 'ERROR_CTX_WINSTATION_ACCESS_DENIED';

export const WIN32_ROWS = `0 ERROR_SUCCESS The operation completed successfully.
1 ERROR_INVALID_FUNCTION Incorrect function.
2 ERROR_FILE_NOT_FOUND The system cannot find the file specified.
3 ERROR_PATH_NOT_FOUND The system cannot find the path specified.
4 ERROR_TOO_MANY_OPEN_FILES The system cannot open the file.
5 ERROR_ACCESS_DENIED Access is denied.
6 ERROR_INVALID_HANDLE The handle is invalid.
7 ERROR_ARENA_TRASHED The storage control blocks were destroyed.
8 ERROR_NOT_ENOUGH_MEMORY Not enough storage is available to process this command.
9 ERROR_INVALID_BLOCK The storage control block address is invalid.
10 ERROR_BAD_ENVIRONMENT The environment is incorrect.
11 ERROR_BAD_FORMAT An attempt was made to load a program with an incorrect format.
12 ERROR_INVALID_ACCESS The access code is invalid.
13 ERROR_INVALID_DATA The data is invalid.
14 ERROR_OUTOFMEMORY Not enough storage is available to complete this operation.
15 ERROR_INVALID_DRIVE The system cannot find the drive specified.
16 ERROR_CURRENT_DIRECTORY The directory cannot be removed.
17 ERROR_NOT_SAME_DEVICE The system cannot move the file to a different disk drive.
18 ERROR_NO_MORE_FILES There are no more files.
19 ERROR_WRITE_PROTECT The media is write-protected.
20 ERROR_BAD_UNIT The system cannot find the device specified.
21 ERROR_NOT_READY The device is not ready.
22 ERROR_BAD_COMMAND The device does not recognize the command.
23 ERROR_CRC Data error (cyclic redundancy check).
24 ERROR_BAD_LENGTH The program issued a command but the command length is incorrect.
25 ERROR_SEEK The drive cannot locate a specific area or track on the disk.
26 ERROR_NOT_DOS_DISK The specified disk cannot be accessed.
27 ERROR_SECTOR_NOT_FOUND The drive cannot find the sector requested.
28 ERROR_OUT_OF_PAPER The printer is out of paper.
29 ERROR_WRITE_FAULT The system cannot write to the specified device.
30 ERROR_READ_FAULT The system cannot read from the specified device.
31 ERROR_GEN_FAILURE A device attached to the system is not functioning.
32 ERROR_SHARING_VIOLATION The process cannot access the file because it is being used by another process.
33 ERROR_LOCK_VIOLATION The process cannot access the file because another process has locked a portion of the file.
34 ERROR_WRONG_DISK The wrong disk is in the drive. Insert %2 (Volume Serial Number: %3) into drive %1.
36 ERROR_SHARING_BUFFER_EXCEEDED Too many files opened for sharing.
38 ERROR_HANDLE_EOF Reached the end of the file.
39 ERROR_HANDLE_DISK_FULL The disk is full.
50 ERROR_NOT_SUPPORTED The request is not supported.
51 ERROR_REM_NOT_LIST Windows cannot find the network path. Verify that the network path is correct and the destination computer is not busy or turned off. If Windows still cannot find the network path, contact your network administrator.
52 ERROR_DUP_NAME You were not connected because a duplicate name exists on the network. Go to System in Control Panel to change the computer name, and then try again.
53 ERROR_BAD_NETPATH The network path was not found.
54 ERROR_NETWORK_BUSY The network is busy.
55 ERROR_DEV_NOT_EXIST The specified network resource or device is no longer available.
56 ERROR_TOO_MANY_CMDS The network BIOS command limit has been reached.
57 ERROR_ADAP_HDW_ERR A network adapter hardware error occurred.
58 ERROR_BAD_NET_RESP The specified server cannot perform the requested operation.
59 ERROR_UNEXP_NET_ERR An unexpected network error occurred.
60 ERROR_BAD_REM_ADAP The remote adapter is not compatible.
61 ERROR_PRINTQ_FULL The print queue is full.
62 ERROR_NO_SPOOL_SPACE Space to store the file waiting to be printed is not available on the server.
63 ERROR_PRINT_CANCELLED Your file waiting to be printed was deleted.
64 ERROR_NETNAME_DELETED The specified network name is no longer available.
65 ERROR_NETWORK_ACCESS_DENIED Network access is denied.
66 ERROR_BAD_DEV_TYPE The network resource type is not correct.
67 ERROR_BAD_NET_NAME The network name cannot be found.
68 ERROR_TOO_MANY_NAMES The name limit for the local computer network adapter card was exceeded.
69 ERROR_TOO_MANY_SESS The network BIOS session limit was exceeded.
70 ERROR_SHARING_PAUSED The remote server has been paused or is in the process of being started.
71 ERROR_REQ_NOT_ACCEP No more connections can be made to this remote computer at this time because the computer has accepted the maximum number of connections.
72 ERROR_REDIR_PAUSED The specified printer or disk device has been paused.
80 ERROR_FILE_EXISTS The file exists.
82 ERROR_CANNOT_MAKE The directory or file cannot be created.
83 ERROR_FAIL_I24 Fail on INT 24.
84 ERROR_OUT_OF_STRUCTURES Storage to process this request is not available.
85 ERROR_ALREADY_ASSIGNED The local device name is already in use.
86 ERROR_INVALID_PASSWORD The specified network password is not correct.
87 ERROR_INVALID_PARAMETER The parameter is incorrect.
88 ERROR_NET_WRITE_FAULT A write fault occurred on the network.
89 ERROR_NO_PROC_SLOTS The system cannot start another process at this time.
100 ERROR_TOO_MANY_SEMAPHORES Cannot create another system semaphore.
101 ERROR_EXCL_SEM_ALREADY_OWNED The exclusive semaphore is owned by another process.
102 ERROR_SEM_IS_SET The semaphore is set and cannot be closed.
103 ERROR_TOO_MANY_SEM_REQUESTS The semaphore cannot be set again.
104 ERROR_INVALID_AT_INTERRUPT_TIME Cannot request exclusive semaphores at interrupt time.
105 ERROR_SEM_OWNER_DIED The previous ownership of this semaphore has ended.
106 ERROR_SEM_USER_LIMIT Insert the disk for drive %1.
107 ERROR_DISK_CHANGE The program stopped because an alternate disk was not inserted.
108 ERROR_DRIVE_LOCKED The disk is in use or locked by another process.
109 ERROR_BROKEN_PIPE The pipe has been ended.
110 ERROR_OPEN_FAILED The system cannot open the device or file specified.
111 ERROR_BUFFER_OVERFLOW The file name is too long.
112 ERROR_DISK_FULL There is not enough space on the disk.
113 ERROR_NO_MORE_SEARCH_HANDLES No more internal file identifiers are available.
114 ERROR_INVALID_TARGET_HANDLE The target internal file identifier is incorrect.
117 ERROR_INVALID_CATEGORY The Input Output Control (IOCTL) call made by the application program is not correct.
118 ERROR_INVALID_VERIFY_SWITCH The verify-on-write switch parameter value is not correct.
119 ERROR_BAD_DRIVER_LEVEL The system does not support the command requested.
120 ERROR_CALL_NOT_IMPLEMENTED This function is not supported on this system.
121 ERROR_SEM_TIMEOUT The semaphore time-out period has expired.
122 ERROR_INSUFFICIENT_BUFFER The data area passed to a system call is too small.
123 ERROR_INVALID_NAME The file name, directory name, or volume label syntax is incorrect.
124 ERROR_INVALID_LEVEL The system call level is not correct.
125 ERROR_NO_VOLUME_LABEL The disk has no volume label.
126 ERROR_MOD_NOT_FOUND The specified module could not be found.
127 ERROR_PROC_NOT_FOUND The specified procedure could not be found.
128 ERROR_WAIT_NO_CHILDREN There are no child processes to wait for.
129 ERROR_CHILD_NOT_COMPLETE The %1 application cannot be run in Win32 mode.
130 ERROR_DIRECT_ACCESS_HANDLE Attempt to use a file handle to an open disk partition for an operation other than raw disk I/O.
131 ERROR_NEGATIVE_SEEK An attempt was made to move the file pointer before the beginning of the file.
132 ERROR_SEEK_ON_DEVICE The file pointer cannot be set on the specified device or file.
133 ERROR_IS_JOIN_TARGET A JOIN or SUBST command cannot be used for a drive that contains previously joined drives.
134 ERROR_IS_JOINED An attempt was made to use a JOIN or SUBST command on a drive that has already been joined.
135 ERROR_IS_SUBSTED An attempt was made to use a JOIN or SUBST command on a drive that has already been substituted.
136 ERROR_NOT_JOINED The system tried to delete the JOIN of a drive that is not joined.
137 ERROR_NOT_SUBSTED The system tried to delete the substitution of a drive that is not substituted.
138 ERROR_JOIN_TO_JOIN The system tried to join a drive to a directory on a joined drive.
139 ERROR_SUBST_TO_SUBST The system tried to substitute a drive to a directory on a substituted drive.
140 ERROR_JOIN_TO_SUBST The system tried to join a drive to a directory on a substituted drive.
141 ERROR_SUBST_TO_JOIN The system tried to SUBST a drive to a directory on a joined drive.
142 ERROR_BUSY_DRIVE The system cannot perform a JOIN or SUBST at this time.
143 ERROR_SAME_DRIVE The system cannot join or substitute a drive to or for a directory on the same drive.
144 ERROR_DIR_NOT_ROOT The directory is not a subdirectory of the root directory.
145 ERROR_DIR_NOT_EMPTY The directory is not empty.
146 ERROR_IS_SUBST_PATH The path specified is being used in a substitute.
147 ERROR_IS_JOIN_PATH Not enough resources are available to process this command.
148 ERROR_PATH_BUSY The path specified cannot be used at this time.
149 ERROR_IS_SUBST_TARGET An attempt was made to join or substitute a drive for which a directory on the drive is the target of a previous substitute.
150 ERROR_SYSTEM_TRACE System trace information was not specified in your CONFIG.SYS file, or tracing is disallowed.
151 ERROR_INVALID_EVENT_COUNT The number of specified semaphore events for DosMuxSemWait is not correct.
152 ERROR_TOO_MANY_MUXWAITERS DosMuxSemWait did not execute; too many semaphores are already set.
153 ERROR_INVALID_LIST_FORMAT The DosMuxSemWait list is not correct.
154 ERROR_LABEL_TOO_LONG The volume label you entered exceeds the label character limit of the destination file system.
155 ERROR_TOO_MANY_TCBS Cannot create another thread.
156 ERROR_SIGNAL_REFUSED The recipient process has refused the signal.
157 ERROR_DISCARDED The segment is already discarded and cannot be locked.
158 ERROR_NOT_LOCKED The segment is already unlocked.
159 ERROR_BAD_THREADID_ADDR The address for the thread ID is not correct.
160 ERROR_BAD_ARGUMENTS One or more arguments are not correct.
161 ERROR_BAD_PATHNAME The specified path is invalid.
162 ERROR_SIGNAL_PENDING A signal is already pending.
164 ERROR_MAX_THRDS_REACHED No more threads can be created in the system.
167 ERROR_LOCK_FAILED Unable to lock a region of a file.
170 ERROR_BUSY The requested resource is in use.
173 ERROR_CANCEL_VIOLATION A lock request was not outstanding for the supplied cancel region.
174 ERROR_ATOMIC_LOCKS_NOT_SUPPORTED The file system does not support atomic changes to the lock type.
180 ERROR_INVALID_SEGMENT_NUMBER The system detected a segment number that was not correct.
182 ERROR_INVALID_ORDINAL The operating system cannot run %1.
183 ERROR_ALREADY_EXISTS Cannot create a file when that file already exists.
186 ERROR_INVALID_FLAG_NUMBER The flag passed is not correct.
187 ERROR_SEM_NOT_FOUND The specified system semaphore name was not found.
188 ERROR_INVALID_STARTING_CODESEG The operating system cannot run %1.
189 ERROR_INVALID_STACKSEG The operating system cannot run %1.
190 ERROR_INVALID_MODULETYPE The operating system cannot run %1.
191 ERROR_INVALID_EXE_SIGNATURE Cannot run %1 in Win32 mode.
192 ERROR_EXE_MARKED_INVALID The operating system cannot run %1.
193 ERROR_BAD_EXE_FORMAT %1 is not a valid Win32 application.
194 ERROR_ITERATED_DATA_EXCEEDS_64k The operating system cannot run %1.
195 ERROR_INVALID_MINALLOCSIZE The operating system cannot run %1.
196 ERROR_DYNLINK_FROM_INVALID_RING The operating system cannot run this application program.
197 ERROR_IOPL_NOT_ENABLED The operating system is not presently configured to run this application.
198 ERROR_INVALID_SEGDPL The operating system cannot run %1.
199 ERROR_AUTODATASEG_EXCEEDS_64k The operating system cannot run this application program.
200 ERROR_RING2SEG_MUST_BE_MOVABLE The code segment cannot be greater than or equal to 64 KB.
201 ERROR_RELOC_CHAIN_XEEDS_SEGLIM The operating system cannot run %1.
202 ERROR_INFLOOP_IN_RELOC_CHAIN The operating system cannot run %1.
203 ERROR_ENVVAR_NOT_FOUND The system could not find the environment option that was entered.
205 ERROR_NO_SIGNAL_SENT No process in the command subtree has a signal handler.
206 ERROR_FILENAME_EXCED_RANGE The file name or extension is too long.
207 ERROR_RING2_STACK_IN_USE The ring 2 stack is in use.
208 ERROR_META_EXPANSION_TOO_LONG The asterisk (*) or question mark (?) global file name characters are entered incorrectly, or too many global file name characters are specified.
209 ERROR_INVALID_SIGNAL_NUMBER The signal being posted is not correct.
210 ERROR_THREAD_1_INACTIVE The signal handler cannot be set.
212 ERROR_LOCKED The segment is locked and cannot be reallocated.
214 ERROR_TOO_MANY_MODULES Too many dynamic-link modules are attached to this program or dynamic-link module.
215 ERROR_NESTING_NOT_ALLOWED Cannot nest calls to LoadModule.
216 ERROR_EXE_MACHINE_TYPE_MISMATCH This version of %1 is not compatible with the version of Windows you're running. Check your computer's system information to see whether you need an x86 (32-bit) or x64 (64-bit) version of the program, and then contact the software publisher.
217 ERROR_EXE_CANNOT_MODIFY_SIGNED_BINARY The image file %1 is signed, unable to modify.
218 ERROR_EXE_CANNOT_MODIFY_STRONG_SIGNED_BINARY The image file %1 is strong signed, unable to modify.
220 ERROR_FILE_CHECKED_OUT This file is checked out or locked for editing by another user.
221 ERROR_CHECKOUT_REQUIRED The file must be checked out before saving changes.
222 ERROR_BAD_FILE_TYPE The file type being saved or retrieved has been blocked.
223 ERROR_FILE_TOO_LARGE The file size exceeds the limit allowed and cannot be saved.
224 ERROR_FORMS_AUTH_REQUIRED Access denied. Before opening files in this location, you must first browse to the website and select the option to sign in automatically.
225 ERROR_VIRUS_INFECTED Operation did not complete successfully because the file contains a virus.
226 ERROR_VIRUS_DELETED This file contains a virus and cannot be opened. Due to the nature of this virus, the file has been removed from this location.
229 ERROR_PIPE_LOCAL The pipe is local.
230 ERROR_BAD_PIPE The pipe state is invalid.
231 ERROR_PIPE_BUSY All pipe instances are busy.
232 ERROR_NO_DATA The pipe is being closed.
233 ERROR_PIPE_NOT_CONNECTED No process is on the other end of the pipe.
234 ERROR_MORE_DATA More data is available.
240 ERROR_VC_DISCONNECTED The session was canceled.
254 ERROR_INVALID_EA_NAME The specified extended attribute name was invalid.
255 ERROR_EA_LIST_INCONSISTENT The extended attributes are inconsistent.
258 WAIT_TIMEOUT The wait operation timed out.
259 ERROR_NO_MORE_ITEMS No more data is available.
266 ERROR_CANNOT_COPY The copy functions cannot be used.
267 ERROR_DIRECTORY The directory name is invalid.
275 ERROR_EAS_DIDNT_FIT The extended attributes did not fit in the buffer.
276 ERROR_EA_FILE_CORRUPT The extended attribute file on the mounted file system is corrupt.
277 ERROR_EA_TABLE_FULL The extended attribute table file is full.
278 ERROR_INVALID_EA_HANDLE The specified extended attribute handle is invalid.
282 ERROR_EAS_NOT_SUPPORTED The mounted file system does not support extended attributes.
288 ERROR_NOT_OWNER Attempt to release mutex not owned by caller.
298 ERROR_TOO_MANY_POSTS Too many posts were made to a semaphore.
299 ERROR_PARTIAL_COPY Only part of a ReadProcessMemory or WriteProcessMemory request was completed.
300 ERROR_OPLOCK_NOT_GRANTED The oplock request is denied.
301 ERROR_INVALID_OPLOCK_PROTOCOL An invalid oplock acknowledgment was received by the system.
302 ERROR_DISK_TOO_FRAGMENTED The volume is too fragmented to complete this operation.
303 ERROR_DELETE_PENDING The file cannot be opened because it is in the process of being deleted.
317 ERROR_MR_MID_NOT_FOUND The system cannot find message text for message number 0x%1 in the message file for %2.
318 ERROR_SCOPE_NOT_FOUND The scope specified was not found.
350 ERROR_FAIL_NOACTION_REBOOT No action was taken because a system reboot is required.
351 ERROR_FAIL_SHUTDOWN The shutdown operation failed.
352 ERROR_FAIL_RESTART The restart operation failed.
353 ERROR_MAX_SESSIONS_REACHED The maximum number of sessions has been reached.
1051 ERROR_DEPENDENT_SERVICES_RUNNING A stop control has been sent to a service that other running services are dependent on.
1052 ERROR_INVALID_SERVICE_CONTROL The requested control is not valid for this service.
1053 ERROR_SERVICE_REQUEST_TIMEOUT The service did not respond to the start or control request in a timely fashion.
1054 ERROR_SERVICE_NO_THREAD A thread could not be created for the service.
1055 ERROR_SERVICE_DATABASE_LOCKED The service database is locked.
1056 ERROR_SERVICE_ALREADY_RUNNING An instance of the service is already running.
1057 ERROR_INVALID_SERVICE_ACCOUNT The account name is invalid or does not exist, or the password is invalid for the account name specified.
1058 ERROR_SERVICE_DISABLED The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.
1059 ERROR_CIRCULAR_DEPENDENCY Circular service dependency was specified.
1060 ERROR_SERVICE_DOES_NOT_EXIST The specified service does not exist as an installed service.
1061 ERROR_SERVICE_CANNOT_ACCEPT_CTRL The service cannot accept control messages at this time.
1062 ERROR_SERVICE_NOT_ACTIVE The service has not been started.
1063 ERROR_FAILED_SERVICE_CONTROLLER_CONNECT The service process could not connect to the service controller.
1064 ERROR_EXCEPTION_IN_SERVICE An exception occurred in the service when handling the control request.
1065 ERROR_DATABASE_DOES_NOT_EXIST The database specified does not exist.
1066 ERROR_SERVICE_SPECIFIC_ERROR The service has returned a service-specific error code.
1067 ERROR_PROCESS_ABORTED The process terminated unexpectedly.
1068 ERROR_SERVICE_DEPENDENCY_FAIL The dependency service or group failed to start.
1069 ERROR_SERVICE_LOGON_FAILED The service did not start due to a logon failure.
1070 ERROR_SERVICE_START_HANG After starting, the service stopped responding in a start-pending state.
1071 ERROR_INVALID_SERVICE_LOCK The specified service database lock is invalid.
1072 ERROR_SERVICE_MARKED_FOR_DELETE The specified service has been marked for deletion.
1073 ERROR_SERVICE_EXISTS The specified service already exists.
1074 ERROR_ALREADY_RUNNING_LKG The system is currently running with the last-known-good configuration.
1075 ERROR_SERVICE_DEPENDENCY_DELETED The dependency service does not exist or has been marked for deletion.
1076 ERROR_BOOT_ALREADY_ACCEPTED The current boot has already been accepted for use as the last-known-good control set.
1077 ERROR_SERVICE_NEVER_STARTED No attempts to start the service have been made since the last boot.
1078 ERROR_DUPLICATE_SERVICE_NAME The name is already in use as either a service name or a service display name.
1079 ERROR_DIFFERENT_SERVICE_ACCOUNT The account specified for this service is different from the account specified for other services running in the same process.
1080 ERROR_CANNOT_DETECT_DRIVER_FAILURE Failure actions can only be set for Win32 services, not for drivers.
1081 ERROR_CANNOT_DETECT_PROCESS_ABORT This service runs in the same process as the service control manager. Therefore, the service control manager cannot take action if this service's process terminates unexpectedly.
1082 ERROR_NO_RECOVERY_PROGRAM No recovery program has been configured for this service.
1083 ERROR_SERVICE_NOT_IN_EXE The executable program that this service is configured to run in does not implement the service.
1084 ERROR_NOT_SAFEBOOT_SERVICE This service cannot be started in Safe Mode.
1200 ERROR_BAD_DEVICE The specified device name is invalid.
1201 ERROR_CONNECTION_UNAVAIL The device is not currently connected but it is a remembered connection.
1202 ERROR_DEVICE_ALREADY_REMEMBERED The local device name has a remembered connection to another network resource.
1203 ERROR_NO_NET_OR_BAD_PATH The network path was either typed incorrectly, does not exist, or the network provider is not currently available. Try retyping the path or contact your network administrator.
1204 ERROR_BAD_PROVIDER The specified network provider name is invalid.
1205 ERROR_CANNOT_OPEN_PROFILE Unable to open the network connection profile.
1206 ERROR_BAD_PROFILE The network connection profile is corrupted.
1207 ERROR_NOT_CONTAINER Cannot enumerate a noncontainer.
1208 ERROR_EXTENDED_ERROR An extended error has occurred.
1209 ERROR_INVALID_GROUPNAME The format of the specified group name is invalid.
1210 ERROR_INVALID_COMPUTERNAME The format of the specified computer name is invalid.
1211 ERROR_INVALID_EVENTNAME The format of the specified event name is invalid.
1212 ERROR_INVALID_DOMAINNAME The format of the specified domain name is invalid.
1213 ERROR_INVALID_SERVICENAME The format of the specified service name is invalid.
1214 ERROR_INVALID_NETNAME The format of the specified network name is invalid.
1215 ERROR_INVALID_SHARENAME The format of the specified share name is invalid.
1216 ERROR_INVALID_PASSWORDNAME The format of the specified password is invalid.
1217 ERROR_INVALID_MESSAGENAME The format of the specified message name is invalid.
1218 ERROR_INVALID_MESSAGEDEST The format of the specified message destination is invalid.
1219 ERROR_SESSION_CREDENTIAL_CONFLICT Multiple connections to a server or shared resource by the same user, using more than one user name, are not allowed. Disconnect all previous connections to the server or shared resource and try again.
1220 ERROR_REMOTE_SESSION_LIMIT_EXCEEDED An attempt was made to establish a session to a network server, but there are already too many sessions established to that server.
1221 ERROR_DUP_DOMAINNAME The workgroup or domain name is already in use by another computer on the network.
1222 ERROR_NO_NETWORK The network is not present or not started.
1223 ERROR_CANCELLED The operation was canceled by the user.
1224 ERROR_USER_MAPPED_FILE The requested operation cannot be performed on a file with a user-mapped section open.
1225 ERROR_CONNECTION_REFUSED The remote system refused the network connection.
1226 ERROR_GRACEFUL_DISCONNECT The network connection was gracefully closed.
1227 ERROR_ADDRESS_ALREADY_ASSOCIATED The network transport endpoint already has an address associated with it.
1228 ERROR_ADDRESS_NOT_ASSOCIATED An address has not yet been associated with the network endpoint.
1229 ERROR_CONNECTION_INVALID An operation was attempted on a nonexistent network connection.
1230 ERROR_CONNECTION_ACTIVE An invalid operation was attempted on an active network connection.
1231 ERROR_NETWORK_UNREACHABLE The network location cannot be reached. For information about network troubleshooting, see Windows Help.
1232 ERROR_HOST_UNREACHABLE The network location cannot be reached. For information about network troubleshooting, see Windows Help.
1233 ERROR_PROTOCOL_UNREACHABLE The network location cannot be reached. For information about network troubleshooting, see Windows Help.
1234 ERROR_PORT_UNREACHABLE No service is operating at the destination network endpoint on the remote system.
1235 ERROR_REQUEST_ABORTED The request was aborted.
1236 ERROR_CONNECTION_ABORTED The network connection was aborted by the local system.
1237 ERROR_RETRY The operation could not be completed. A retry should be performed.
1238 ERROR_CONNECTION_COUNT_LIMIT A connection to the server could not be made because the limit on the number of concurrent connections for this account has been reached.
1239 ERROR_LOGIN_TIME_RESTRICTION Attempting to log on during an unauthorized time of day for this account.
1240 ERROR_LOGIN_WKSTA_RESTRICTION The account is not authorized to log on from this station.
1241 ERROR_INCORRECT_ADDRESS The network address could not be used for the operation requested.
1242 ERROR_ALREADY_REGISTERED The service is already registered.
1243 ERROR_SERVICE_NOT_FOUND The specified service does not exist.
1244 ERROR_NOT_AUTHENTICATED The operation being requested was not performed because the user has not been authenticated.
1245 ERROR_NOT_LOGGED_ON The operation being requested was not performed because the user has not logged on to the network. The specified service does not exist.
1246 ERROR_CONTINUE Continue with work in progress.
1247 ERROR_ALREADY_INITIALIZED An attempt was made to perform an initialization operation when initialization has already been completed.
1248 ERROR_NO_MORE_DEVICES No more local devices.
1249 ERROR_NO_SUCH_SITE The specified site does not exist.
1300 ERROR_NOT_ALL_ASSIGNED Not all privileges or groups referenced are assigned to the caller.
1301 ERROR_SOME_NOT_MAPPED Some mapping between account names and SIDs was not done.
1302 ERROR_NO_QUOTAS_FOR_ACCOUNT No system quota limits are specifically set for this account.
1303 ERROR_LOCAL_USER_SESSION_KEY No encryption key is available. A well-known encryption key was returned.
1304 ERROR_NULL_LM_PASSWORD The password is too complex to be converted to a LAN Manager password. The LAN Manager password returned is a null string.
1305 ERROR_UNKNOWN_REVISION The revision level is unknown.
1306 ERROR_REVISION_MISMATCH Indicates two revision levels are incompatible.
1307 ERROR_INVALID_OWNER This SID cannot be assigned as the owner of this object.
1308 ERROR_INVALID_PRIMARY_GROUP This SID cannot be assigned as the primary group of an object.
1309 ERROR_NO_IMPERSONATION_TOKEN An attempt has been made to operate on an impersonation token by a thread that is not currently impersonating a client.
1310 ERROR_CANT_DISABLE_MANDATORY The group cannot be disabled.
1311 ERROR_NO_LOGON_SERVERS There are currently no logon servers available to service the logon request.
1312 ERROR_NO_SUCH_LOGON_SESSION A specified logon session does not exist. It might already have been terminated.
1313 ERROR_NO_SUCH_PRIVILEGE A specified privilege does not exist.
1314 ERROR_PRIVILEGE_NOT_HELD A required privilege is not held by the client.
1315 ERROR_INVALID_ACCOUNT_NAME The name provided is not a properly formed account name.
1316 ERROR_USER_EXISTS The specified account already exists.
1317 ERROR_NO_SUCH_USER The specified account does not exist.
1318 ERROR_GROUP_EXISTS The specified group already exists.
1319 ERROR_NO_SUCH_GROUP The specified group does not exist.
1320 ERROR_MEMBER_IN_GROUP Either the specified user account is already a member of the specified group, or the specified group cannot be deleted because it contains a member.
1321 ERROR_MEMBER_NOT_IN_GROUP The specified user account is not a member of the specified group account.
1322 ERROR_LAST_ADMIN The last remaining administration account cannot be disabled or deleted.
1323 ERROR_WRONG_PASSWORD Unable to update the password. The value provided as the current password is incorrect.
1324 ERROR_ILL_FORMED_PASSWORD Unable to update the password. The value provided for the new password contains values that are not allowed in passwords.
1325 ERROR_PASSWORD_RESTRICTION Unable to update the password. The value provided for the new password does not meet the length, complexity, or history requirements of the domain.
1326 ERROR_LOGON_FAILURE Logon failure: Unknown user name or bad password.
1327 ERROR_ACCOUNT_RESTRICTION Logon failure: User account restriction. Possible reasons are blank passwords not allowed, logon hour restrictions, or a policy restriction has been enforced.
1328 ERROR_INVALID_LOGON_HOURS Logon failure: Account logon time restriction violation.
1329 ERROR_INVALID_WORKSTATION Logon failure: User not allowed to log on to this computer.
1330 ERROR_PASSWORD_EXPIRED Logon failure: The specified account password has expired.
1331 ERROR_ACCOUNT_DISABLED Logon failure: Account currently disabled.
1332 ERROR_NONE_MAPPED No mapping between account names and SIDs was done.
1333 ERROR_TOO_MANY_LUIDS_REQUESTED Too many local user identifiers (LUIDs) were requested at one time.
1334 ERROR_LUIDS_EXHAUSTED No more LUIDs are available.
1335 ERROR_INVALID_SUB_AUTHORITY The sub-authority part of an SID is invalid for this particular use.
1336 ERROR_INVALID_ACL The ACL structure is invalid.
1337 ERROR_INVALID_SID The SID structure is invalid.
1338 ERROR_INVALID_SECURITY_DESCR The security descriptor structure is invalid.
1340 ERROR_BAD_INHERITANCE_ACL The inherited ACL or ACE could not be built.
1341 ERROR_SERVER_DISABLED The server is currently disabled.
1342 ERROR_SERVER_NOT_DISABLED The server is currently enabled.
1343 ERROR_INVALID_ID_AUTHORITY The value provided was an invalid value for an identifier authority.
1344 ERROR_ALLOTTED_SPACE_EXCEEDED No more memory is available for security information updates.
1345 ERROR_INVALID_GROUP_ATTRIBUTES The specified attributes are invalid, or incompatible with the attributes for the group as a whole.
1346 ERROR_BAD_IMPERSONATION_LEVEL Either a required impersonation level was not provided, or the provided impersonation level is invalid.
1347 ERROR_CANT_OPEN_ANONYMOUS Cannot open an anonymous level security token.
1348 ERROR_BAD_VALIDATION_CLASS The validation information class requested was invalid.
1349 ERROR_BAD_TOKEN_TYPE The type of the token is inappropriate for its attempted use.
1350 ERROR_NO_SECURITY_ON_OBJECT Unable to perform a security operation on an object that has no associated security.
1351 ERROR_CANT_ACCESS_DOMAIN_INFO Configuration information could not be read from the domain controller, either because the machine is unavailable, or access has been denied.
1352 ERROR_INVALID_SERVER_STATE The SAM or local security authority (LSA) server was in the wrong state to perform the security operation.
1353 ERROR_INVALID_DOMAIN_STATE The domain was in the wrong state to perform the security operation.
1354 ERROR_INVALID_DOMAIN_ROLE This operation is only allowed for the PDC of the domain.
1355 ERROR_NO_SUCH_DOMAIN The specified domain either does not exist or could not be contacted.
1356 ERROR_DOMAIN_EXISTS The specified domain already exists.
1357 ERROR_DOMAIN_LIMIT_EXCEEDED An attempt was made to exceed the limit on the number of domains per server.
1358 ERROR_INTERNAL_DB_CORRUPTION Unable to complete the requested operation because of either a catastrophic media failure or a data structure corruption on the disk.
1359 ERROR_INTERNAL_ERROR An internal error occurred.
1360 ERROR_GENERIC_NOT_MAPPED Generic access types were contained in an access mask that should already be mapped to nongeneric types.
1361 ERROR_BAD_DESCRIPTOR_FORMAT A security descriptor is not in the right format (absolute or self-relative).
1362 ERROR_NOT_LOGON_PROCESS The requested action is restricted for use by logon processes only. The calling process has not registered as a logon process.
1363 ERROR_LOGON_SESSION_EXISTS Cannot start a new logon session with an ID that is already in use.
1364 ERROR_NO_SUCH_PACKAGE A specified authentication package is unknown.
1365 ERROR_BAD_LOGON_SESSION_STATE The logon session is not in a state that is consistent with the requested operation.
1366 ERROR_LOGON_SESSION_COLLISION The logon session ID is already in use.
1367 ERROR_INVALID_LOGON_TYPE A logon request contained an invalid logon type value.
1368 ERROR_CANNOT_IMPERSONATE Unable to impersonate using a named pipe until data has been read from that pipe.
1369 ERROR_RXACT_INVALID_STATE The transaction state of a registry subtree is incompatible with the requested operation.
1370 ERROR_RXACT_COMMIT_FAILURE An internal security database corruption has been encountered.
1371 ERROR_SPECIAL_ACCOUNT Cannot perform this operation on built-in accounts.
1372 ERROR_SPECIAL_GROUP Cannot perform this operation on this built-in special group.
1373 ERROR_SPECIAL_USER Cannot perform this operation on this built-in special user.
1374 ERROR_MEMBERS_PRIMARY_GROUP The user cannot be removed from a group because the group is currently the user's primary group.
1375 ERROR_TOKEN_ALREADY_IN_USE The token is already in use as a primary token.
1376 ERROR_NO_SUCH_ALIAS The specified local group does not exist.
1377 ERROR_MEMBER_NOT_IN_ALIAS The specified account name is not a member of the group.
1378 ERROR_MEMBER_IN_ALIAS The specified account name is already a member of the group.
1379 ERROR_ALIAS_EXISTS The specified local group already exists.
1380 ERROR_LOGON_NOT_GRANTED Logon failure: The user has not been granted the requested logon type at this computer.
1381 ERROR_TOO_MANY_SECRETS The maximum number of secrets that can be stored in a single system has been exceeded.
1382 ERROR_SECRET_TOO_LONG The length of a secret exceeds the maximum length allowed.
1383 ERROR_INTERNAL_DB_ERROR The local security authority database contains an internal inconsistency.
1384 ERROR_TOO_MANY_CONTEXT_IDS During a logon attempt, the user's security context accumulated too many SIDs.
1385 ERROR_LOGON_TYPE_NOT_GRANTED Logon failure: The user has not been granted the requested logon type at this computer.
1386 ERROR_NT_CROSS_ENCRYPTION_REQUIRED A cross-encrypted password is necessary to change a user password.
1387 ERROR_NO_SUCH_MEMBER A member could not be added to or removed from the local group because the member does not exist.
1388 ERROR_INVALID_MEMBER A new member could not be added to a local group because the member has the wrong account type.
1389 ERROR_TOO_MANY_SIDS Too many SIDs have been specified.
1390 ERROR_LM_CROSS_ENCRYPTION_REQUIRED A cross-encrypted password is necessary to change this user password.
1391 ERROR_NO_INHERITANCE Indicates an ACL contains no inheritable components.
1392 ERROR_FILE_CORRUPT The file or directory is corrupted and unreadable.
1393 ERROR_DISK_CORRUPT The disk structure is corrupted and unreadable.
1394 ERROR_NO_USER_SESSION_KEY There is no user session key for the specified logon session.
1395 ERROR_LICENSE_QUOTA_EXCEEDED The service being accessed is licensed for a particular number of connections. No more connections can be made to the service at this time because the service has accepted the maximum number of connections.
1396 ERROR_WRONG_TARGET_NAME Logon failure: The target account name is incorrect.
1397 ERROR_MUTUAL_AUTH_FAILED Mutual authentication failed. The server's password is out of date at the domain controller.
1398 ERROR_TIME_SKEW There is a time and/or date difference between the client and server.
1399 ERROR_CURRENT_DOMAIN_NOT_ALLOWED This operation cannot be performed on the current domain.
1450 ERROR_NO_SYSTEM_RESOURCES Insufficient system resources exist to complete the requested service.
1451 ERROR_NONPAGED_SYSTEM_RESOURCES Insufficient system resources exist to complete the requested service.
1452 ERROR_PAGED_SYSTEM_RESOURCES Insufficient system resources exist to complete the requested service.
1453 ERROR_WORKING_SET_QUOTA Insufficient quota to complete the requested service.
1454 ERROR_PAGEFILE_QUOTA Insufficient quota to complete the requested service.
1455 ERROR_COMMITMENT_LIMIT The paging file is too small for this operation to complete.
1456 ERROR_MENU_ITEM_NOT_FOUND A menu item was not found.
1457 ERROR_INVALID_KEYBOARD_HANDLE Invalid keyboard layout handle.
1458 ERROR_HOOK_TYPE_NOT_ALLOWED Hook type not allowed.
1459 ERROR_REQUIRES_INTERACTIVE_WINDOWSTATION This operation requires an interactive window station.
1460 ERROR_TIMEOUT This operation returned because the time-out period expired.
1461 ERROR_INVALID_MONITOR_HANDLE Invalid monitor handle.
1462 ERROR_INCORRECT_SIZE Incorrect size argument.
1463 ERROR_SYMLINK_CLASS_DISABLED The symbolic link cannot be followed because its type is disabled.
1464 ERROR_SYMLINK_NOT_SUPPORTED This application does not support the current operation on symbolic links.
1700 RPC_S_INVALID_STRING_BINDING The string binding is invalid.
1701 RPC_S_WRONG_KIND_OF_BINDING The binding handle is not the correct type.
1702 RPC_S_INVALID_BINDING The binding handle is invalid.
1703 RPC_S_PROTSEQ_NOT_SUPPORTED The RPC protocol sequence is not supported.
1704 RPC_S_INVALID_RPC_PROTSEQ The RPC protocol sequence is invalid.
1705 RPC_S_INVALID_STRING_UUID The string UUID is invalid.
1706 RPC_S_INVALID_ENDPOINT_FORMAT The endpoint format is invalid.
1707 RPC_S_INVALID_NET_ADDR The network address is invalid.
1708 RPC_S_NO_ENDPOINT_FOUND No endpoint was found.
1709 RPC_S_INVALID_TIMEOUT The time-out value is invalid.
1710 RPC_S_OBJECT_NOT_FOUND The object UUID) was not found.
1711 RPC_S_ALREADY_REGISTERED The object UUID) has already been registered.
1712 RPC_S_TYPE_ALREADY_REGISTERED The type UUID has already been registered.
1713 RPC_S_ALREADY_LISTENING The RPC server is already listening.
1714 RPC_S_NO_PROTSEQS_REGISTERED No protocol sequences have been registered.
1715 RPC_S_NOT_LISTENING The RPC server is not listening.
1716 RPC_S_UNKNOWN_MGR_TYPE The manager type is unknown.
1717 RPC_S_UNKNOWN_IF The interface is unknown.
1718 RPC_S_NO_BINDINGS There are no bindings.
1719 RPC_S_NO_PROTSEQS There are no protocol sequences.
1720 RPC_S_CANT_CREATE_ENDPOINT The endpoint cannot be created.
1721 RPC_S_OUT_OF_RESOURCES Not enough resources are available to complete this operation.
1722 RPC_S_SERVER_UNAVAILABLE The RPC server is unavailable.
1723 RPC_S_SERVER_TOO_BUSY The RPC server is too busy to complete this operation.
1724 RPC_S_INVALID_NETWORK_OPTIONS The network options are invalid.
1725 RPC_S_NO_CALL_ACTIVE There are no RPCs active on this thread.
1726 RPC_S_CALL_FAILED The RPC failed.
1727 RPC_S_CALL_FAILED_DNE The RPC failed and did not execute.
1728 RPC_S_PROTOCOL_ERROR An RPC protocol error occurred.
1729 RPC_S_PROXY_ACCESS_DENIED Access to the HTTP proxy is denied.
1730 RPC_S_UNSUPPORTED_TRANS_SYN The transfer syntax is not supported by the RPC server.
1732 RPC_S_UNSUPPORTED_TYPE The UUID type is not supported.
1733 RPC_S_INVALID_TAG The tag is invalid.
1734 RPC_S_INVALID_BOUND The array bounds are invalid.
1735 RPC_S_NO_ENTRY_NAME The binding does not contain an entry name.
1736 RPC_S_INVALID_NAME_SYNTAX The name syntax is invalid.
1737 RPC_S_UNSUPPORTED_NAME_SYNTAX The name syntax is not supported.
1739 RPC_S_UUID_NO_ADDRESS No network address is available to use to construct a UUID.
1740 RPC_S_DUPLICATE_ENDPOINT The endpoint is a duplicate.
1741 RPC_S_UNKNOWN_AUTHN_TYPE The authentication type is unknown.
1742 RPC_S_MAX_CALLS_TOO_SMALL The maximum number of calls is too small.
1743 RPC_S_STRING_TOO_LONG The string is too long.
1744 RPC_S_PROTSEQ_NOT_FOUND The RPC protocol sequence was not found.
1745 RPC_S_PROCNUM_OUT_OF_RANGE The procedure number is out of range.
1746 RPC_S_BINDING_HAS_NO_AUTH The binding does not contain any authentication information.
1747 RPC_S_UNKNOWN_AUTHN_SERVICE The authentication service is unknown.
1748 RPC_S_UNKNOWN_AUTHN_LEVEL The authentication level is unknown.
1749 RPC_S_INVALID_AUTH_IDENTITY The security context is invalid.
1750 RPC_S_UNKNOWN_AUTHZ_SERVICE The authorization service is unknown.
1751 EPT_S_INVALID_ENTRY The entry is invalid.
1752 EPT_S_CANT_PERFORM_OP The server endpoint cannot perform the operation.
1753 EPT_S_NOT_REGISTERED There are no more endpoints available from the endpoint mapper.
1754 RPC_S_NOTHING_TO_EXPORT No interfaces have been exported.
1755 RPC_S_INCOMPLETE_NAME The entry name is incomplete.
1756 RPC_S_INVALID_VERS_OPTION The version option is invalid.
1757 RPC_S_NO_MORE_MEMBERS There are no more members.
1758 RPC_S_NOT_ALL_OBJS_UNEXPORTED There is nothing to unexport.
1759 RPC_S_INTERFACE_NOT_FOUND The interface was not found.
1760 RPC_S_ENTRY_ALREADY_EXISTS The entry already exists.
1761 RPC_S_ENTRY_NOT_FOUND The entry is not found.
1762 RPC_S_NAME_SERVICE_UNAVAILABLE The name service is unavailable.
1763 RPC_S_INVALID_NAF_ID The network address family is invalid.
1764 RPC_S_CANNOT_SUPPORT The requested operation is not supported.
1765 RPC_S_NO_CONTEXT_AVAILABLE No security context is available to allow impersonation.
1766 RPC_S_INTERNAL_ERROR An internal error occurred in an RPC.
1767 RPC_S_ZERO_DIVIDE The RPC server attempted an integer division by zero.
1768 RPC_S_ADDRESS_ERROR An addressing error occurred in the RPC server.
1769 RPC_S_FP_DIV_ZERO A floating-point operation at the RPC server caused a division by zero.
1770 RPC_S_FP_UNDERFLOW A floating-point underflow occurred at the RPC server.
1771 RPC_S_FP_OVERFLOW A floating-point overflow occurred at the RPC server.
1772 RPC_X_NO_MORE_ENTRIES The list of RPC servers available for the binding of auto handles has been exhausted.
1773 RPC_X_SS_CHAR_TRANS_OPEN_FAIL Unable to open the character translation table file.
1774 RPC_X_SS_CHAR_TRANS_SHORT_FILE The file containing the character translation table has fewer than 512 bytes.
1775 RPC_X_SS_IN_NULL_CONTEXT A null context handle was passed from the client to the host during an RPC.
1777 RPC_X_SS_CONTEXT_DAMAGED The context handle changed during an RPC.
1778 RPC_X_SS_HANDLES_MISMATCH The binding handles passed to an RPC do not match.
1779 RPC_X_SS_CANNOT_GET_CALL_HANDLE The stub is unable to get the RPC handle.
1780 RPC_X_NULL_REF_POINTER A null reference pointer was passed to the stub.
1781 RPC_X_ENUM_VALUE_OUT_OF_RANGE The enumeration value is out of range.
1782 RPC_X_BYTE_COUNT_TOO_SMALL The byte count is too small.
1783 RPC_X_BAD_STUB_DATA The stub received bad data.
1784 ERROR_INVALID_USER_BUFFER The supplied user buffer is not valid for the requested operation.
1785 ERROR_UNRECOGNIZED_MEDIA The disk media is not recognized. It might not be formatted.
1786 ERROR_NO_TRUST_LSA_SECRET The workstation does not have a trust secret.
1787 ERROR_NO_TRUST_SAM_ACCOUNT The security database on the server does not have a computer account for this workstation trust relationship.
1788 ERROR_TRUSTED_DOMAIN_FAILURE The trust relationship between the primary domain and the trusted domain failed.
1789 ERROR_TRUSTED_RELATIONSHIP_FAILURE The trust relationship between this workstation and the primary domain failed.
1790 ERROR_TRUST_FAILURE The network logon failed.
1791 RPC_S_CALL_IN_PROGRESS An RPC is already in progress for this thread.
1792 ERROR_NETLOGON_NOT_STARTED An attempt was made to log on, but the network logon service was not started.
1793 ERROR_ACCOUNT_EXPIRED The user's account has expired.
1794 ERROR_REDIRECTOR_HAS_OPEN_HANDLES The redirector is in use and cannot be unloaded.
1795 ERROR_PRINTER_DRIVER_ALREADY_INSTALLED The specified printer driver is already installed.
1796 ERROR_UNKNOWN_PORT The specified port is unknown.
1797 ERROR_UNKNOWN_PRINTER_DRIVER The printer driver is unknown.
1798 ERROR_UNKNOWN_PRINTPROCESSOR The print processor is unknown.
1799 ERROR_INVALID_SEPARATOR_FILE The specified separator file is invalid.
1800 ERROR_INVALID_PRIORITY The specified priority is invalid.
1801 ERROR_INVALID_PRINTER_NAME The printer name is invalid.
1802 ERROR_PRINTER_ALREADY_EXISTS The printer already exists.
1803 ERROR_INVALID_PRINTER_COMMAND The printer command is invalid.
1804 ERROR_INVALID_DATATYPE The specified data type is invalid.
1805 ERROR_INVALID_ENVIRONMENT The environment specified is invalid.
1806 RPC_S_NO_MORE_BINDINGS There are no more bindings.
1807 ERROR_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT The account used is an interdomain trust account. Use your global user account or local user account to access this server.
1808 ERROR_NOLOGON_WORKSTATION_TRUST_ACCOUNT The account used is a computer account. Use your global user account or local user account to access this server.
1809 ERROR_NOLOGON_SERVER_TRUST_ACCOUNT The account used is a server trust account. Use your global user account or local user account to access this server.
1810 ERROR_DOMAIN_TRUST_INCONSISTENT The name or SID of the domain specified is inconsistent with the trust information for that domain.
1811 ERROR_SERVER_HAS_OPEN_HANDLES The server is in use and cannot be unloaded.
1812 ERROR_RESOURCE_DATA_NOT_FOUND The specified image file did not contain a resource section.
1813 ERROR_RESOURCE_TYPE_NOT_FOUND The specified resource type cannot be found in the image file.
1814 ERROR_RESOURCE_NAME_NOT_FOUND The specified resource name cannot be found in the image file.
1815 ERROR_RESOURCE_LANG_NOT_FOUND The specified resource language ID cannot be found in the image file.
1816 ERROR_NOT_ENOUGH_QUOTA Not enough quota is available to process this command.
1817 RPC_S_NO_INTERFACES No interfaces have been registered.
1818 RPC_S_CALL_CANCELLED The RPC was canceled.
1819 RPC_S_BINDING_INCOMPLETE The binding handle does not contain all the required information.
1820 RPC_S_COMM_FAILURE A communications failure occurred during an RPC.
1821 RPC_S_UNSUPPORTED_AUTHN_LEVEL The requested authentication level is not supported.
1822 RPC_S_NO_PRINC_NAME No principal name is registered.
1823 RPC_S_NOT_RPC_ERROR The error specified is not a valid Windows RPC error code.
1824 RPC_S_UUID_LOCAL_ONLY A UUID that is valid only on this computer has been allocated.
1825 RPC_S_SEC_PKG_ERROR A security package-specific error occurred.
1826 RPC_S_NOT_CANCELLED The thread is not canceled.
1827 RPC_X_INVALID_ES_ACTION Invalid operation on the encoding/decoding handle.
1828 RPC_X_WRONG_ES_VERSION Incompatible version of the serializing package.
1829 RPC_X_WRONG_STUB_VERSION Incompatible version of the RPC stub.
1830 RPC_X_INVALID_PIPE_OBJECT The RPC pipe object is invalid or corrupted.
1831 RPC_X_WRONG_PIPE_ORDER An invalid operation was attempted on an RPC pipe object.
1832 RPC_X_WRONG_PIPE_VERSION Unsupported RPC pipe version.
1898 RPC_S_GROUP_MEMBER_NOT_FOUND The group member was not found.
1899 EPT_S_CANT_CREATE The endpoint mapper database entry could not be created.
1900 RPC_S_INVALID_OBJECT The object UUID is the nil UUID.
1901 ERROR_INVALID_TIME The specified time is invalid.
1902 ERROR_INVALID_FORM_NAME The specified form name is invalid.
1903 ERROR_INVALID_FORM_SIZE The specified form size is invalid.
1904 ERROR_ALREADY_WAITING The specified printer handle is already being waited on.
1905 ERROR_PRINTER_DELETED The specified printer has been deleted.
1906 ERROR_INVALID_PRINTER_STATE The state of the printer is invalid.
1907 ERROR_PASSWORD_MUST_CHANGE The user's password must be changed before logging on the first time.
1908 ERROR_DOMAIN_CONTROLLER_NOT_FOUND Could not find the domain controller for this domain.
1909 ERROR_ACCOUNT_LOCKED_OUT The referenced account is currently locked out and cannot be logged on to.
1910 OR_INVALID_OXID The object exporter specified was not found.
1911 OR_INVALID_OID The object specified was not found.
1912 OR_INVALID_SET The object set specified was not found.
1913 RPC_S_SEND_INCOMPLETE Some data remains to be sent in the request buffer.
1914 RPC_S_INVALID_ASYNC_HANDLE Invalid asynchronous RPC handle.
1915 RPC_S_INVALID_ASYNC_CALL Invalid asynchronous RPC call handle for this operation.
1916 RPC_X_PIPE_CLOSED The RPC pipe object has already been closed.
1917 RPC_X_PIPE_DISCIPLINE_ERROR The RPC call completed before all pipes were processed.
1918 RPC_X_PIPE_EMPTY No more data is available from the RPC pipe.
1919 ERROR_NO_SITENAME No site name is available for this machine.
1920 ERROR_CANT_ACCESS_FILE The file cannot be accessed by the system.
1921 ERROR_CANT_RESOLVE_FILENAME The name of the file cannot be resolved by the system.
1922 RPC_S_ENTRY_TYPE_MISMATCH The entry is not of the expected type.
1923 RPC_S_NOT_ALL_OBJS_EXPORTED Not all object UUIDs could be exported to the specified entry.
1924 RPC_S_INTERFACE_NOT_EXPORTED The interface could not be exported to the specified entry.
1925 RPC_S_PROFILE_NOT_ADDED The specified profile entry could not be added.
1926 RPC_S_PRF_ELT_NOT_ADDED The specified profile element could not be added.
1927 RPC_S_PRF_ELT_NOT_REMOVED The specified profile element could not be removed.
1928 RPC_S_GRP_ELT_NOT_ADDED The group element could not be added.
1929 RPC_S_GRP_ELT_NOT_REMOVED The group element could not be removed.
1930 ERROR_KM_DRIVER_BLOCKED The printer driver is not compatible with a policy enabled on your computer that blocks Windows NT 4.0 operating system drivers.
1931 ERROR_CONTEXT_EXPIRED The context has expired and can no longer be used.
1932 ERROR_PER_USER_TRUST_QUOTA_EXCEEDED The current user's delegated trust creation quota has been exceeded.
1933 ERROR_ALL_USER_TRUST_QUOTA_EXCEEDED The total delegated trust creation quota has been exceeded.
1934 ERROR_USER_DELETE_TRUST_QUOTA_EXCEEDED The current user's delegated trust deletion quota has been exceeded.
1935 ERROR_AUTHENTICATION_FIREWALL_FAILED Logon failure: The machine you are logging on to is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.
1936 ERROR_REMOTE_PRINT_CONNECTIONS_BLOCKED Remote connections to the Print Spooler are blocked by a policy set on your machine.
2108 ERROR_CONNECTED_OTHER_PASSWORD The network connection was made successfully, but the user had to be prompted for a password other than the one originally specified.
2109 ERROR_CONNECTED_OTHER_PASSWORD_DEFAULT The network connection was made successfully using default credentials.
535 ERROR_PIPE_CONNECTED There is a process on the other end of the pipe.
536 ERROR_PIPE_LISTENING Waiting for a process to open the other end of the pipe.
995 ERROR_OPERATION_ABORTED The I/O operation has been aborted because of either a thread exit or an application request.
996 ERROR_IO_INCOMPLETE Overlapped I/O event is not in a signaled state.
997 ERROR_IO_PENDING Overlapped I/O operation is in progress.
998 ERROR_NOACCESS Invalid access to memory location.
1117 ERROR_IO_DEVICE The request could not be performed because of an I/O device error.
1130 ERROR_NOT_ENOUGH_SERVER_MEMORY Not enough server storage is available to process this command.
1168 ERROR_NOT_FOUND Element not found.
1265 ERROR_DOWNGRADE_DETECTED The system detected a possible attempt to compromise security. Ensure that you can contact the server that authenticated you.
1272 ERROR_SMB_GUEST_LOGON_BLOCKED You can't access this shared folder because your organization's security policies block unauthenticated guest access. These policies help protect your PC from unsafe or malicious devices on the network.
6000 ERROR_ENCRYPTION_FAILED The specified file could not be encrypted.
6001 ERROR_DECRYPTION_FAILED The specified file could not be decrypted.
5 =RPC_S_ACCESS_DENIED Access is denied.
14 =RPC_S_OUT_OF_MEMORY Not enough storage is available to complete this operation.
6 =RPC_X_SS_CONTEXT_MISMATCH The handle is invalid.
1130 =RPC_S_SERVER_OUT_OF_MEMORY Not enough server storage is available to process this command.
87 =RPC_S_INVALID_ARG The parameter is incorrect.
87 =RPC_S_INVALID_LEVEL The parameter is incorrect.
122 =RPC_S_BUFFER_TOO_SMALL The data area passed to a system call is too small.
1460 =RPC_S_TIMEOUT This operation returned because the time-out period expired.
997 =RPC_S_ASYNC_CALL_PENDING Overlapped I/O operation is in progress.
5023 ERROR_INVALID_STATE The group or resource is not in the correct state to perform the requested operation.
7001 ERROR_CTX_WINSTATION_NAME_INVALID The specified session name is invalid.
7022 ERROR_CTX_WINSTATION_NOT_FOUND The specified session cannot be found.
7023 ERROR_CTX_WINSTATION_ALREADY_EXISTS The specified session name is already in use.
7024 ERROR_CTX_WINSTATION_BUSY The task you are trying to do can't be completed because Remote Desktop Services is currently busy. Please try again in a few minutes. Other users should still be able to log on.
7045 ERROR_CTX_WINSTATION_ACCESS_DENIED The requested session access is denied.
`;

/** Every name in NERR_ROWS, in row order. */
export type NerrName =
  | 'NERR_Success'
  | 'NERR_NetNotStarted'
  | 'NERR_UnknownServer'
  | 'NERR_ShareMem'
  | 'NERR_NoNetworkResource'
  | 'NERR_RemoteOnly'
  | 'NERR_DevNotRedirected'
  | 'NERR_ServerNotStarted'
  | 'NERR_ItemNotFound'
  | 'NERR_UnknownDevDir'
  | 'NERR_RedirectedPath'
  | 'NERR_DuplicateShare'
  | 'NERR_NoRoom'
  | 'NERR_TooManyItems'
  | 'NERR_InvalidMaxUsers'
  | 'NERR_BufTooSmall'
  | 'NERR_RemoteErr'
  | 'NERR_LanmanIniError'
  | 'NERR_NetworkError'
  | 'NERR_WkstaInconsistentState'
  | 'NERR_WkstaNotStarted'
  | 'NERR_BrowserNotStarted'
  | 'NERR_InternalError'
  | 'NERR_BadTransactConfig'
  | 'NERR_InvalidAPI'
  | 'NERR_BadEventName'
  | 'NERR_DupNameReboot'
  | 'NERR_CfgCompNotFound'
  | 'NERR_CfgParamNotFound'
  | 'NERR_LineTooLong'
  | 'NERR_QNotFound'
  | 'NERR_JobNotFound'
  | 'NERR_DestNotFound'
  | 'NERR_DestExists'
  | 'NERR_QExists'
  | 'NERR_QNoRoom'
  | 'NERR_JobNoRoom'
  | 'NERR_DestNoRoom'
  | 'NERR_DestIdle'
  | 'NERR_DestInvalidOp'
  | 'NERR_ProcNoRespond'
  | 'NERR_SpoolerNotLoaded'
  | 'NERR_DestInvalidState'
  | 'NERR_QinvalidState'
  | 'NERR_JobInvalidState'
  | 'NERR_SpoolNoMemory'
  | 'NERR_DriverNotFound'
  | 'NERR_DataTypeInvalid'
  | 'NERR_ProcNotFound'
  | 'NERR_ServiceTableLocked'
  | 'NERR_ServiceTableFull'
  | 'NERR_ServiceInstalled'
  | 'NERR_ServiceEntryLocked'
  | 'NERR_ServiceNotInstalled'
  | 'NERR_BadServiceName'
  | 'NERR_ServiceCtlTimeout'
  | 'NERR_ServiceCtlBusy'
  | 'NERR_BadServiceProgName'
  | 'NERR_ServiceNotCtrl'
  | 'NERR_ServiceKillProc'
  | 'NERR_ServiceCtlNotValid'
  | 'NERR_NotInDispatchTbl'
  | 'NERR_BadControlRecv'
  | 'NERR_ServiceNotStarting'
  | 'NERR_AlreadyLoggedOn'
  | 'NERR_NotLoggedOn'
  | 'NERR_BadUsername'
  | 'NERR_BadPassword'
  | 'NERR_UnableToAddName_W'
  | 'NERR_UnableToAddName_F'
  | 'NERR_UnableToDelName_W'
  | 'NERR_UnableToDelName_F'
  | 'NERR_LogonsPaused'
  | 'NERR_LogonServerConflict'
  | 'NERR_LogonNoUserPath'
  | 'NERR_LogonScriptError'
  | 'NERR_StandaloneLogon'
  | 'NERR_LogonServerNotFound'
  | 'NERR_LogonDomainExists'
  | 'NERR_NonValidatedLogon'
  | 'NERR_ACFNotFound'
  | 'NERR_GroupNotFound'
  | 'NERR_UserNotFound'
  | 'NERR_ResourceNotFound'
  | 'NERR_GroupExists'
  | 'NERR_UserExists'
  | 'NERR_ResourceExists'
  | 'NERR_NotPrimary'
  | 'NERR_ACFNotLoaded'
  | 'NERR_ACFNoRoom'
  | 'NERR_ACFFileIOFail'
  | 'NERR_ACFTooManyLists'
  | 'NERR_UserLogon'
  | 'NERR_ACFNoParent'
  | 'NERR_CanNotGrowSegment'
  | 'NERR_SpeGroupOp'
  | 'NERR_NotInCache'
  | 'NERR_UserInGroup'
  | 'NERR_UserNotInGroup'
  | 'NERR_AccountUndefined'
  | 'NERR_AccountExpired'
  | 'NERR_InvalidWorkstation'
  | 'NERR_InvalidLogonHours'
  | 'NERR_PasswordExpired'
  | 'NERR_PasswordCantChange'
  | 'NERR_PasswordHistConflict'
  | 'NERR_PasswordTooShort'
  | 'NERR_PasswordTooRecent'
  | 'NERR_InvalidDatabase'
  | 'NERR_DatabaseUpToDate'
  | 'NERR_SyncRequired'
  | 'NERR_UseNotFound'
  | 'NERR_BadAsgType'
  | 'NERR_DeviceIsShared'
  | 'NERR_NoComputerName'
  | 'NERR_MsgAlreadyStarted'
  | 'NERR_MsgInitFailed'
  | 'NERR_NameNotFound'
  | 'NERR_AlreadyForwarded'
  | 'NERR_AddForwarded'
  | 'NERR_AlreadyExists'
  | 'NERR_TooManyNames'
  | 'NERR_DelComputerName'
  | 'NERR_LocalForward'
  | 'NERR_GrpMsgProcessor'
  | 'NERR_PausedRemote'
  | 'NERR_BadReceive'
  | 'NERR_NameInUse'
  | 'NERR_MsgNotStarted'
  | 'NERR_NotLocalName'
  | 'NERR_NoForwardName'
  | 'NERR_RemoteFull'
  | 'NERR_NameNotForwarded'
  | 'NERR_TruncatedBroadcast'
  | 'NERR_InvalidDevice'
  | 'NERR_WriteFault'
  | 'NERR_DuplicateName'
  | 'NERR_DeleteLater'
  | 'NERR_IncompleteDel'
  | 'NERR_MultipleNets'
  | 'NERR_NetNameNotFound'
  | 'NERR_DeviceNotShared'
  | 'NERR_ClientNameNotFound'
  | 'NERR_FileIdNotFound'
  | 'NERR_ExecFailure'
  | 'NERR_TmpFile'
  | 'NERR_TooMuchData'
  | 'NERR_DeviceShareConflict'
  | 'NERR_BrowserTableIncomplete'
  | 'NERR_NotLocalDomain'
  | 'NERR_IsDfsShare'
  | 'NERR_DevInvalidOpCode'
  | 'NERR_DevNotFound'
  | 'NERR_DevNotOpen'
  | 'NERR_BadQueueDevString'
  | 'NERR_BadQueuePriority'
  | 'NERR_NoCommDevs'
  | 'NERR_QueueNotFound'
  | 'NERR_BadDevString'
  | 'NERR_BadDev'
  | 'NERR_InUseBySpooler'
  | 'NERR_CommDevInUse'
  | 'NERR_InvalidComputer'
  | 'NERR_MaxLenExceeded'
  | 'NERR_BadComponent'
  | 'NERR_CantType'
  | 'NERR_TooManyEntries'
  | 'NERR_ProfileFileTooBig'
  | 'NERR_ProfileOffset'
  | 'NERR_ProfileCleanup'
  | 'NERR_ProfileUnknownCmd'
  | 'NERR_ProfileLoadErr'
  | 'NERR_ProfileSaveErr'
  | 'NERR_LogOverflow'
  | 'NERR_LogFileChanged'
  | 'NERR_LogFileCorrupt'
  | 'NERR_SourceIsDir'
  | 'NERR_BadSource'
  | 'NERR_BadDest'
  | 'NERR_DifferentServers'
  | 'NERR_RunSrvPaused'
  | 'NERR_ErrCommRunSrv'
  | 'NERR_ErrorExecingGhost'
  | 'NERR_ShareNotFound'
  | 'NERR_InvalidLana'
  | 'NERR_OpenFiles'
  | 'NERR_ActiveConns'
  | 'NERR_BadPasswordCore'
  | 'NERR_DevInUse'
  | 'NERR_LocalDrive'
  | 'NERR_AlertExists'
  | 'NERR_TooManyAlerts'
  | 'NERR_NoSuchAlert'
  | 'NERR_BadRecipient'
  | 'NERR_AcctLimitExceeded'
  | 'NERR_InvalidLogSeek'
  | 'NERR_BadUasConfig'
  | 'NERR_InvalidUASOp'
  | 'NERR_LastAdmin'
  | 'NERR_DCNotFound'
  | 'NERR_LogonTrackingError'
  | 'NERR_NetlogonNotStarted'
  | 'NERR_CanNotGrowUASFile'
  | 'NERR_TimeDiffAtDC'
  | 'NERR_PasswordMismatch'
  | 'NERR_NoSuchServer'
  | 'NERR_NoSuchSession'
  | 'NERR_NoSuchConnection'
  | 'NERR_TooManyServers'
  | 'NERR_TooManySessions'
  | 'NERR_TooManyConnections'
  | 'NERR_TooManyFiles'
  | 'NERR_NoAlternateServers'
  | 'NERR_TryDownLevel'
  | 'NERR_UPSDriverNotStarted'
  | 'NERR_UPSInvalidConfig'
  | 'NERR_UPSInvalidCommPort'
  | 'NERR_UPSSignalAsserted'
  | 'NERR_UPSShutdownFailed'
  | 'NERR_BadDosRetCode'
  | 'NERR_ProgNeedsExtraMem'
  | 'NERR_BadDosFunction'
  | 'NERR_RemoteBootFailed'
  | 'NERR_BadFileCheckSum'
  | 'NERR_NoRplBootSystem'
  | 'NERR_RplLoadrNetBiosErr'
  | 'NERR_RplLoadrDiskErr'
  | 'NERR_ImageParamErr'
  | 'NERR_TooManyImageParams'
  | 'NERR_NonDosFloppyUsed'
  | 'NERR_RplBootRestart'
  | 'NERR_RplSrvrCallFailed'
  | 'NERR_CantConnectRplSrvr'
  | 'NERR_CantOpenImageFile'
  | 'NERR_CallingRplSrvr'
  | 'NERR_StartingRplBoot'
  | 'NERR_RplBootServiceTerm'
  | 'NERR_RplBootStartFailed'
  | 'NERR_RPL_CONNECTED'
  | 'NERR_BrowserConfiguredToNotRun'
  | 'NERR_RplNoAdaptersStarted'
  | 'NERR_RplBadRegistry'
  | 'NERR_RplBadDatabase'
  | 'NERR_RplRplfilesShare'
  | 'NERR_RplNotRplServer'
  | 'NERR_RplCannotEnum'
  | 'NERR_RplWkstaInfoCorrupted'
  | 'NERR_RplWkstaNotFound'
  | 'NERR_RplWkstaNameUnavailable'
  | 'NERR_RplProfileInfoCorrupted'
  | 'NERR_RplProfileNotFound'
  | 'NERR_RplProfileNameUnavailable'
  | 'NERR_RplProfileNotEmpty'
  | 'NERR_RplConfigInfoCorrupted'
  | 'NERR_RplConfigNotFound'
  | 'NERR_RplAdapterInfoCorrupted'
  | 'NERR_RplInternal'
  | 'NERR_RplVendorInfoCorrupted'
  | 'NERR_RplBootInfoCorrupted'
  | 'NERR_RplWkstaNeedsUserAcct'
  | 'NERR_RplNeedsRPLUSERAcct'
  | 'NERR_RplBootNotFound'
  | 'NERR_RplIncompatibleProfile'
  | 'NERR_RplAdapterNameUnavailable'
  | 'NERR_RplConfigNotEmpty'
  | 'NERR_RplBootInUse'
  | 'NERR_RplBackupDatabase'
  | 'NERR_RplAdapterNotFound'
  | 'NERR_RplVendorNotFound'
  | 'NERR_RplVendorNameUnavailable'
  | 'NERR_RplBootNameUnavailable'
  | 'NERR_RplConfigNameUnavailable'
  | 'NERR_DfsInternalCorruption'
  | 'NERR_DfsVolumeDataCorrupt'
  | 'NERR_DfsNoSuchVolume'
  | 'NERR_DfsVolumeAlreadyExists'
  | 'NERR_DfsAlreadyShared'
  | 'NERR_DfsNoSuchShare'
  | 'NERR_DfsNotALeafVolume'
  | 'NERR_DfsLeafVolume'
  | 'NERR_DfsVolumeHasMultipleServers'
  | 'NERR_DfsCantCreateJunctionPoint'
  | 'NERR_DfsServerNotDfsAware'
  | 'NERR_DfsBadRenamePath'
  | 'NERR_DfsVolumeIsOffline'
  | 'NERR_DfsNoSuchServer'
  | 'NERR_DfsCyclicalName'
  | 'NERR_DfsNotSupportedInServerDfs'
  | 'NERR_DfsDuplicateService'
  | 'NERR_DfsCantRemoveLastServerShare'
  | 'NERR_DfsVolumeIsInterDfs'
  | 'NERR_DfsInconsistent'
  | 'NERR_DfsServerUpgraded'
  | 'NERR_DfsDataIsIdentical'
  | 'NERR_DfsCantRemoveDfsRoot'
  | 'NERR_DfsChildOrParentInDfs'
  | 'NERR_DfsInternalError'
  | 'NERR_SetupAlreadyJoined'
  | 'NERR_SetupNotJoined'
  | 'NERR_SetupDomainController'
  | 'NERR_DefaultJoinRequired'
  | 'NERR_InvalidWorkgroupName'
  | 'NERR_NameUsesIncompatibleCodePage'
  | 'NERR_ComputerAccountNotFound'
  | 'NERR_PersonalSku'
  | 'NERR_PasswordMustChange'
  | 'NERR_AccountLockedOut'
  | 'NERR_PasswordTooLong'
  | 'NERR_PasswordNotComplexEnough'
  | 'NERR_PasswordFilterError';

export const NERR_ROWS = `0 NERR_Success The operation completed successfully.
2102 NERR_NetNotStarted The workstation driver is not installed.
2103 NERR_UnknownServer The server could not be located.
2104 NERR_ShareMem An internal error occurred. The network cannot access a shared memory segment.
2105 NERR_NoNetworkResource A network resource shortage occurred.
2106 NERR_RemoteOnly This operation is not supported on workstations.
2107 NERR_DevNotRedirected The device is not connected.
2114 NERR_ServerNotStarted The Server service is not started.
2115 NERR_ItemNotFound The queue is empty.
2116 NERR_UnknownDevDir The device or directory does not exist.
2117 NERR_RedirectedPath The operation is invalid on a redirected resource.
2118 NERR_DuplicateShare The name has already been shared.
2119 NERR_NoRoom The server is currently out of the requested resource.
2121 NERR_TooManyItems Requested addition of items exceeds the maximum allowed.
2122 NERR_InvalidMaxUsers The Peer service supports only two simultaneous users.
2123 NERR_BufTooSmall The API return buffer is too small.
2127 NERR_RemoteErr A remote API error occurred.
2131 NERR_LanmanIniError An error occurred when opening or reading the configuration file.
2136 NERR_NetworkError A general network error occurred.
2137 NERR_WkstaInconsistentState The Workstation service is in an inconsistent state. Restart the computer before restarting the Workstation service.
2138 NERR_WkstaNotStarted The Workstation service has not been started.
2139 NERR_BrowserNotStarted The requested information is not available.
2140 NERR_InternalError An internal error occurred.
2141 NERR_BadTransactConfig The server is not configured for transactions.
2142 NERR_InvalidAPI The requested API is not supported on the remote server.
2143 NERR_BadEventName The event name is invalid.
2144 NERR_DupNameReboot The computer name already exists on the network. Change it and reboot the computer.
2146 NERR_CfgCompNotFound The specified component could not be found in the configuration information.
2147 NERR_CfgParamNotFound The specified parameter could not be found in the configuration information.
2149 NERR_LineTooLong A line in the configuration file is too long.
2150 NERR_QNotFound The printer does not exist.
2151 NERR_JobNotFound The print job does not exist.
2152 NERR_DestNotFound The printer destination cannot be found.
2153 NERR_DestExists The printer destination already exists.
2154 NERR_QExists The print queue already exists.
2155 NERR_QNoRoom No more printers can be added.
2156 NERR_JobNoRoom No more print jobs can be added.
2157 NERR_DestNoRoom No more printer destinations can be added.
2158 NERR_DestIdle This printer destination is idle and cannot accept control operations.
2159 NERR_DestInvalidOp This printer destination request contains an invalid control function.
2160 NERR_ProcNoRespond The print processor is not responding.
2161 NERR_SpoolerNotLoaded The spooler is not running.
2162 NERR_DestInvalidState This operation cannot be performed on the print destination in its current state.
2163 NERR_QinvalidState This operation cannot be performed on the print queue in its current state.
2164 NERR_JobInvalidState This operation cannot be performed on the print job in its current state.
2165 NERR_SpoolNoMemory A spooler memory allocation failure occurred.
2166 NERR_DriverNotFound The device driver does not exist.
2167 NERR_DataTypeInvalid The data type is not supported by the print processor.
2168 NERR_ProcNotFound The print processor is not installed.
2180 NERR_ServiceTableLocked The service database is locked.
2181 NERR_ServiceTableFull The service table is full.
2182 NERR_ServiceInstalled The requested service has already been started.
2183 NERR_ServiceEntryLocked The service does not respond to control actions.
2184 NERR_ServiceNotInstalled The service has not been started.
2185 NERR_BadServiceName The service name is invalid.
2186 NERR_ServiceCtlTimeout The service is not responding to the control function.
2187 NERR_ServiceCtlBusy The service control is busy.
2188 NERR_BadServiceProgName The configuration file contains an invalid service program name.
2189 NERR_ServiceNotCtrl The service could not be controlled in its present state.
2190 NERR_ServiceKillProc The service ended abnormally.
2191 NERR_ServiceCtlNotValid The requested pause or stop is not valid for this service.
2192 NERR_NotInDispatchTbl The service control dispatcher could not find the service name in the dispatch table.
2193 NERR_BadControlRecv The service control dispatcher pipe read failed.
2194 NERR_ServiceNotStarting A thread for the new service could not be created.
2200 NERR_AlreadyLoggedOn This workstation is already logged on to the LAN.
2201 NERR_NotLoggedOn The workstation is not logged on to the LAN.
2202 NERR_BadUsername The user name or group name parameter is invalid.
2203 NERR_BadPassword The password parameter is invalid.
2204 NERR_UnableToAddName_W The logon processor did not add the message alias.
2205 NERR_UnableToAddName_F The logon processor did not add the message alias.
2206 NERR_UnableToDelName_W The logoff processor did not delete the message alias.
2207 NERR_UnableToDelName_F The logoff processor did not delete the message alias.
2209 NERR_LogonsPaused Network logons are paused.
2210 NERR_LogonServerConflict A centralized logon server conflict occurred.
2211 NERR_LogonNoUserPath The server is configured without a valid user path.
2212 NERR_LogonScriptError An error occurred while loading or running the logon script.
2214 NERR_StandaloneLogon The logon server was not specified. The computer will be logged on as STANDALONE.
2215 NERR_LogonServerNotFound The logon server could not be found.
2216 NERR_LogonDomainExists There is already a logon domain for this computer.
2217 NERR_NonValidatedLogon The logon server could not validate the logon.
2219 NERR_ACFNotFound The security database could not be found.
2220 NERR_GroupNotFound The group name could not be found.
2221 NERR_UserNotFound The user name could not be found.
2222 NERR_ResourceNotFound The resource name could not be found.
2223 NERR_GroupExists The group already exists.
2224 NERR_UserExists The user account already exists.
2225 NERR_ResourceExists The resource permission list already exists.
2226 NERR_NotPrimary This operation is allowed only on the PDC of the domain.
2227 NERR_ACFNotLoaded The security database has not been started.
2228 NERR_ACFNoRoom There are too many names in the user accounts database.
2229 NERR_ACFFileIOFail A disk I/O failure occurred.
2230 NERR_ACFTooManyLists The limit of 64 entries per resource was exceeded.
2231 NERR_UserLogon Deleting a user with a session is not allowed.
2232 NERR_ACFNoParent The parent directory could not be located.
2233 NERR_CanNotGrowSegment Unable to add to the security database session cache segment.
2234 NERR_SpeGroupOp This operation is not allowed on this special group.
2235 NERR_NotInCache This user is not cached in the user accounts database session cache.
2236 NERR_UserInGroup The user already belongs to this group.
2237 NERR_UserNotInGroup The user does not belong to this group.
2238 NERR_AccountUndefined This user account is undefined.
2239 NERR_AccountExpired This user account has expired.
2240 NERR_InvalidWorkstation The user is not allowed to log on from this workstation.
2241 NERR_InvalidLogonHours The user is not allowed to log on at this time.
2242 NERR_PasswordExpired The password of this user has expired.
2243 NERR_PasswordCantChange The password of this user cannot change.
2244 NERR_PasswordHistConflict This password cannot be used now.
2245 NERR_PasswordTooShort The password does not meet the password policy requirements. Check the minimum password length, password complexity, and password history requirements.
2246 NERR_PasswordTooRecent The password of this user is too recent to change.
2247 NERR_InvalidDatabase The security database is corrupted.
2248 NERR_DatabaseUpToDate No updates are necessary to this replicant network or local security database.
2249 NERR_SyncRequired This replicant database is outdated; synchronization is required.
2250 NERR_UseNotFound The network connection could not be found.
2251 NERR_BadAsgType This asg_type is invalid.
2252 NERR_DeviceIsShared This device is currently being shared.
2270 NERR_NoComputerName The computer name could not be added as a message alias. The name might already exist on the network.
2271 NERR_MsgAlreadyStarted The Messenger service is already started.
2272 NERR_MsgInitFailed The Messenger service failed to start.
2273 NERR_NameNotFound The message alias could not be found on the network.
2274 NERR_AlreadyForwarded This message alias has already been forwarded.
2275 NERR_AddForwarded This message alias has been added but is still forwarded.
2276 NERR_AlreadyExists This message alias already exists locally.
2277 NERR_TooManyNames The maximum number of added message aliases has been exceeded.
2278 NERR_DelComputerName The computer name could not be deleted.
2279 NERR_LocalForward Messages cannot be forwarded back to the same workstation.
2280 NERR_GrpMsgProcessor An error occurred in the domain message processor.
2281 NERR_PausedRemote The message was sent, but the recipient has paused the Messenger service.
2282 NERR_BadReceive The message was sent but not received.
2283 NERR_NameInUse The message alias is currently in use. Try again later.
2284 NERR_MsgNotStarted The Messenger service has not been started.
2285 NERR_NotLocalName The name is not on the local computer.
2286 NERR_NoForwardName The forwarded message alias could not be found on the network.
2287 NERR_RemoteFull The message alias table on the remote station is full.
2288 NERR_NameNotForwarded Messages for this alias are not currently being forwarded.
2289 NERR_TruncatedBroadcast The broadcast message was truncated.
2294 NERR_InvalidDevice This is an invalid device name.
2295 NERR_WriteFault A write fault occurred.
2297 NERR_DuplicateName A duplicate message alias exists on the network.
2298 NERR_DeleteLater This message alias will be deleted later.
2299 NERR_IncompleteDel The message alias was not successfully deleted from all networks.
2300 NERR_MultipleNets This operation is not supported on computers with multiple networks.
2310 NERR_NetNameNotFound This shared resource does not exist.
2311 NERR_DeviceNotShared This device is not shared.
2312 NERR_ClientNameNotFound A session does not exist with that computer name.
2314 NERR_FileIdNotFound There is not an open file with that identification number.
2315 NERR_ExecFailure A failure occurred when executing a remote administration command.
2316 NERR_TmpFile A failure occurred when opening a remote temporary file.
2317 NERR_TooMuchData The data returned from a remote administration command has been truncated to 64 KB.
2318 NERR_DeviceShareConflict This device cannot be shared as both a spooled and a nonspooled resource.
2319 NERR_BrowserTableIncomplete The information in the list of servers might be incorrect.
2320 NERR_NotLocalDomain The computer is not active in this domain.
2321 NERR_IsDfsShare The share must be removed from the Distributed File System (DFS) before it can be deleted.
2331 NERR_DevInvalidOpCode The operation is invalid for this device.
2332 NERR_DevNotFound This device cannot be shared.
2333 NERR_DevNotOpen This device was not open.
2334 NERR_BadQueueDevString This device name list is invalid.
2335 NERR_BadQueuePriority The queue priority is invalid.
2337 NERR_NoCommDevs There are no shared communication devices.
2338 NERR_QueueNotFound The queue you specified does not exist.
2340 NERR_BadDevString This list of devices is invalid.
2341 NERR_BadDev The requested device is invalid.
2342 NERR_InUseBySpooler This device is already in use by the spooler.
2343 NERR_CommDevInUse This device is already in use as a communication device.
2351 NERR_InvalidComputer This computer name is invalid.
2354 NERR_MaxLenExceeded The string and prefix specified are too long.
2356 NERR_BadComponent This path component is invalid.
2357 NERR_CantType Could not determine the type of input.
2362 NERR_TooManyEntries The buffer for types is not big enough.
2370 NERR_ProfileFileTooBig Profile files cannot exceed 64 KB.
2371 NERR_ProfileOffset The start offset is out of range.
2372 NERR_ProfileCleanup The system cannot delete current connections to network resources.
2373 NERR_ProfileUnknownCmd The system was unable to parse the command line in this file.
2374 NERR_ProfileLoadErr An error occurred while loading the profile file.
2375 NERR_ProfileSaveErr Errors occurred while saving the profile file. The profile was partially saved.
2377 NERR_LogOverflow Log file %1 is full.
2378 NERR_LogFileChanged This log file has changed between reads.
2379 NERR_LogFileCorrupt Log file %1 is corrupt.
2380 NERR_SourceIsDir The source path cannot be a directory.
2381 NERR_BadSource The source path is illegal.
2382 NERR_BadDest The destination path is illegal.
2383 NERR_DifferentServers The source and destination paths are on different servers.
2385 NERR_RunSrvPaused The Run server you requested is paused.
2389 NERR_ErrCommRunSrv An error occurred when communicating with a Run server.
2391 NERR_ErrorExecingGhost An error occurred when starting a background process.
2392 NERR_ShareNotFound The shared resource you are connected to could not be found.
2400 NERR_InvalidLana The LAN adapter number is invalid.
2401 NERR_OpenFiles There are open files on the connection.
2402 NERR_ActiveConns Active connections still exist.
2403 NERR_BadPasswordCore This share name or password is invalid.
2404 NERR_DevInUse The device is being accessed by an active process.
2405 NERR_LocalDrive The drive letter is in use locally.
2430 NERR_AlertExists The specified client is already registered for the specified event.
2431 NERR_TooManyAlerts The alert table is full.
2432 NERR_NoSuchAlert An invalid or nonexistent alert name was raised.
2433 NERR_BadRecipient The alert recipient is invalid.
2434 NERR_AcctLimitExceeded A user's session with this server has been deleted.
2440 NERR_InvalidLogSeek The log file does not contain the requested record number.
2450 NERR_BadUasConfig The user accounts database is not configured correctly.
2451 NERR_InvalidUASOp This operation is not permitted when the Net Logon service is running.
2452 NERR_LastAdmin This operation is not allowed on the last administrative account.
2453 NERR_DCNotFound Could not find the domain controller for this domain.
2454 NERR_LogonTrackingError Could not set logon information for this user.
2455 NERR_NetlogonNotStarted The Net Logon service has not been started.
2456 NERR_CanNotGrowUASFile Unable to add to the user accounts database.
2457 NERR_TimeDiffAtDC This server's clock is not synchronized with the PDC's clock.
2458 NERR_PasswordMismatch A password mismatch has been detected.
2460 NERR_NoSuchServer The server identification does not specify a valid server.
2461 NERR_NoSuchSession The session identification does not specify a valid session.
2462 NERR_NoSuchConnection The connection identification does not specify a valid connection.
2463 NERR_TooManyServers There is no space for another entry in the table of available servers.
2464 NERR_TooManySessions The server has reached the maximum number of sessions it supports.
2465 NERR_TooManyConnections The server has reached the maximum number of connections it supports.
2466 NERR_TooManyFiles The server cannot open more files because it has reached its maximum number.
2467 NERR_NoAlternateServers There are no alternate servers registered on this server.
2470 NERR_TryDownLevel Try the down-level (remote admin protocol) version of API instead.
2480 NERR_UPSDriverNotStarted The uninterruptible power supply (UPS) driver could not be accessed by the UPS service.
2481 NERR_UPSInvalidConfig The UPS service is not configured correctly.
2482 NERR_UPSInvalidCommPort The UPS service could not access the specified Comm Port.
2483 NERR_UPSSignalAsserted The UPS indicated a line fail or low battery situation. Service not started.
2484 NERR_UPSShutdownFailed The UPS service failed to perform a system shut down.
2500 NERR_BadDosRetCode The program below returned an MS-DOS error code.
2501 NERR_ProgNeedsExtraMem The program below needs more memory.
2502 NERR_BadDosFunction The program below called an unsupported MS-DOS function.
2503 NERR_RemoteBootFailed The workstation failed to boot.
2504 NERR_BadFileCheckSum The file below is corrupt.
2505 NERR_NoRplBootSystem No loader is specified in the boot-block definition file.
2506 NERR_RplLoadrNetBiosErr NetBIOS returned an error: The network control blocks (NCBs) and Server Message Block (SMB) are dumped above.
2507 NERR_RplLoadrDiskErr A disk I/O error occurred.
2508 NERR_ImageParamErr Image parameter substitution failed.
2509 NERR_TooManyImageParams Too many image parameters cross disk sector boundaries.
2510 NERR_NonDosFloppyUsed The image was not generated from an MS-DOS disk formatted with /S.
2511 NERR_RplBootRestart Remote boot will be restarted later.
2512 NERR_RplSrvrCallFailed The call to the Remoteboot server failed.
2513 NERR_CantConnectRplSrvr Cannot connect to the Remoteboot server.
2514 NERR_CantOpenImageFile Cannot open image file on the Remoteboot server.
2515 NERR_CallingRplSrvr Connecting to the Remoteboot server.
2516 NERR_StartingRplBoot Connecting to the Remoteboot server.
2517 NERR_RplBootServiceTerm Remote boot service was stopped, check the error log for the cause of the problem.
2518 NERR_RplBootStartFailed Remote boot startup failed; check the error log for the cause of the problem.
2519 NERR_RPL_CONNECTED A second connection to a Remoteboot resource is not allowed.
2550 NERR_BrowserConfiguredToNotRun The browser service was configured with MaintainServerList=No.
2610 NERR_RplNoAdaptersStarted Service failed to start because none of the network adapters started with this service.
2611 NERR_RplBadRegistry Service failed to start due to bad startup information in the registry.
2612 NERR_RplBadDatabase Service failed to start because its database is absent or corrupt.
2613 NERR_RplRplfilesShare Service failed to start because the RPLFILES share is absent.
2614 NERR_RplNotRplServer Service failed to start because the RPLUSER group is absent.
2615 NERR_RplCannotEnum Cannot enumerate service records.
2616 NERR_RplWkstaInfoCorrupted Workstation record information has been corrupted.
2617 NERR_RplWkstaNotFound Workstation record was not found.
2618 NERR_RplWkstaNameUnavailable Workstation name is in use by some other workstation.
2619 NERR_RplProfileInfoCorrupted Profile record information has been corrupted.
2620 NERR_RplProfileNotFound Profile record was not found.
2621 NERR_RplProfileNameUnavailable Profile name is in use by some other profile.
2622 NERR_RplProfileNotEmpty There are workstations using this profile.
2623 NERR_RplConfigInfoCorrupted Configuration record information has been corrupted.
2624 NERR_RplConfigNotFound Configuration record was not found.
2625 NERR_RplAdapterInfoCorrupted Adapter ID record information has been corrupted.
2626 NERR_RplInternal An internal service error has occurred.
2627 NERR_RplVendorInfoCorrupted Vendor ID record information has been corrupted.
2628 NERR_RplBootInfoCorrupted Boot block record information has been corrupted.
2629 NERR_RplWkstaNeedsUserAcct The user account for this workstation record is missing.
2630 NERR_RplNeedsRPLUSERAcct The RPLUSER local group could not be found.
2631 NERR_RplBootNotFound Boot block record was not found.
2632 NERR_RplIncompatibleProfile Chosen profile is incompatible with this workstation.
2633 NERR_RplAdapterNameUnavailable Chosen network adapter ID is in use by some other workstation.
2634 NERR_RplConfigNotEmpty There are profiles using this configuration.
2635 NERR_RplBootInUse There are workstations, profiles, or configurations using this boot block.
2636 NERR_RplBackupDatabase Service failed to back up the Remoteboot database.
2637 NERR_RplAdapterNotFound Adapter record was not found.
2638 NERR_RplVendorNotFound Vendor record was not found.
2639 NERR_RplVendorNameUnavailable Vendor name is in use by some other vendor record.
2640 NERR_RplBootNameUnavailable The boot name or vendor ID is in use by some other boot block record.
2641 NERR_RplConfigNameUnavailable The configuration name is in use by some other configuration.
2660 NERR_DfsInternalCorruption The internal database maintained by the DFS service is corrupt.
2661 NERR_DfsVolumeDataCorrupt One of the records in the internal DFS database is corrupt.
2662 NERR_DfsNoSuchVolume There is no DFS name whose entry path matches the input entry path.
2663 NERR_DfsVolumeAlreadyExists A root or link with the given name already exists.
2664 NERR_DfsAlreadyShared The server share specified is already shared in the DFS.
2665 NERR_DfsNoSuchShare The indicated server share does not support the indicated DFS namespace.
2666 NERR_DfsNotALeafVolume The operation is not valid in this portion of the namespace.
2667 NERR_DfsLeafVolume The operation is not valid in this portion of the namespace.
2668 NERR_DfsVolumeHasMultipleServers The operation is ambiguous because the link has multiple servers.
2669 NERR_DfsCantCreateJunctionPoint Unable to create a link.
2670 NERR_DfsServerNotDfsAware The server is not DFS-aware.
2671 NERR_DfsBadRenamePath The specified rename target path is invalid.
2672 NERR_DfsVolumeIsOffline The specified DFS link is offline.
2673 NERR_DfsNoSuchServer The specified server is not a server for this link.
2674 NERR_DfsCyclicalName A cycle in the DFS name was detected.
2675 NERR_DfsNotSupportedInServerDfs The operation is not supported on a server-based DFS.
2676 NERR_DfsDuplicateService This link is already supported by the specified server share.
2677 NERR_DfsCantRemoveLastServerShare Cannot remove the last server share supporting this root or link.
2678 NERR_DfsVolumeIsInterDfs The operation is not supported for an inter-DFS link.
2679 NERR_DfsInconsistent The internal state of the DFS Service has become inconsistent.
2680 NERR_DfsServerUpgraded The DFS Service has been installed on the specified server.
2681 NERR_DfsDataIsIdentical The DFS data being reconciled is identical.
2682 NERR_DfsCantRemoveDfsRoot The DFS root cannot be deleted. Uninstall DFS if required.
2683 NERR_DfsChildOrParentInDfs A child or parent directory of the share is already in a DFS.
2690 NERR_DfsInternalError DFS internal error.
2691 NERR_SetupAlreadyJoined This machine is already joined to a domain.
2692 NERR_SetupNotJoined This machine is not currently joined to a domain.
2693 NERR_SetupDomainController This machine is a domain controller and cannot be unjoined from a domain.
2694 NERR_DefaultJoinRequired The destination domain controller does not support creating machine accounts in organizational units (OUs).
2695 NERR_InvalidWorkgroupName The specified workgroup name is invalid.
2696 NERR_NameUsesIncompatibleCodePage The specified computer name is incompatible with the default language used on the domain controller.
2697 NERR_ComputerAccountNotFound The specified computer account could not be found.
2698 NERR_PersonalSku This version of Windows cannot be joined to a domain.
2701 NERR_PasswordMustChange The password must change at the next logon.
2702 NERR_AccountLockedOut The account is locked out.
2703 NERR_PasswordTooLong The password is too long.
2704 NERR_PasswordNotComplexEnough The password does not meet the complexity policy.
2705 NERR_PasswordFilterError The password does not meet the requirements of the password filter DLLs.
`;
